"""Names no one can borrow (issue 18, item 6): display names cleaned (NFKC, no bidi
controls or invisible characters), usernames and display names refused when they
look like another member's name or a staff role word, staff badged, and names
isolated as bidirectional text on every page."""
import pytest
from sqlalchemy import select

from forum.domain import names, profiles
from forum.domain.accounts import create_user
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import Role, User

RLO, PDF, ZWSP = "\u202e", "\u202c", "\u200b"


@pytest.fixture
def sam(make_user):
    """The moderator `sam_mod`, shown as "Sam Reyes"."""
    moderator = make_user("sam_mod", role=Role.MODERATOR)
    names.set_display_name(moderator, "Sam Reyes")
    db.session.commit()
    return moderator


# --- The rules, called directly -------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("  Maya   Okafor ", "Maya Okafor"),
    ("Ｍａｙａ", "Maya"),  # NFKC: fullwidth letters
    (f"{RLO}doM maS{PDF}", "doM maS"),  # bidi overrides and pops
    ("Sam" + ZWSP * 60 + "Reyes", "SamReyes"),
    ("Ma\u200dya\u2066\u2069\u00ad\ufeff", "Maya"),  # joiner, isolates, soft hyphen, BOM
    ("Hana\u3164Lee\u2800", "HanaLee"),  # a Hangul filler and a braille blank
    ("Zoë", "Zoë"),
    ("Z" + "\u0301" * 30 + "oe", "\u0179\u0301\u0301oe"),  # Ź (NFKC) and at most two marks more
    ("Tomás Varga", "Tomás Varga"),
    ("李小龙", "李小龙"),
])
def test_clean_display_name(raw, clean):
    assert names.clean_display_name(raw) == clean


@pytest.mark.parametrize("one, other", [
    ("sam_mod", "sam-mod"), ("sam_mod", "sam_m0d"), ("sam_mod", "sarn_mod"), ("sam_mod", "Sam.Mod"),
    ("sam_mod", "SAM MOD"), ("sam_mod", "ѕаm_mоd"),  # Cyrillic ѕ, а, о
    ("sam_mod", "Ｓａｍ＿ｍｏｄ"), ("sam_mod", "s\u200bam_mod"), ("Sam Reyes", "Sаm Reyes"),
    ("maya", "maya_"), ("lily", "1i1y"), ("Tomás", "Tomas"), ("paypal", "paypaI"), ("vvendy", "wendy"),
])
def test_look_alikes_share_a_skeleton(one, other):
    assert names.skeleton(one) == names.skeleton(other)


@pytest.mark.parametrize("one, other", [("sam_mod", "sam_mud"), ("maya", "mara"), ("Sam Reyes", "Sam Reeves")])
def test_different_names_do_not(one, other):
    assert names.skeleton(one) != names.skeleton(other)


@pytest.mark.parametrize("name, word", [
    ("admin", "admin"), ("Admin2", "admin"), ("sam_mod", "mod"), ("SamMod", "mod"), ("m0d", "mod"),
    ("The Moderator", "moderator"), ("staff-team", "staff"), ("lnstructor", "instructor"),
    ("CounterpointOfficial", "counterpoint"), ("Оfficial", "official"),
])
def test_role_words(name, word):
    assert names.role_word_in(name) == word


@pytest.mark.parametrize("name", ["badminton", "modern_art", "Desmond", "staffordshire", "Maya Okafor"])
def test_words_that_only_contain_a_role_word_are_fine(name):
    assert names.role_word_in(name) is None


def test_a_member_cannot_borrow_a_moderators_username_as_display_name(sam, make_user):
    member = make_user("maya")
    for borrowed in ("sam_mod", "Sam Mod", "sam-m0d", "Sam Reyes", "Sаm Reyes", f"{RLO}sam_mod{PDF}"):
        with pytest.raises(RuleError, match="another member's name|kept for the forum's staff"):
            profiles.update_profile(member, display_name=borrowed, bio="")
    db.session.rollback()
    assert db.session.get(User, member.id).display_name == ""


def test_a_display_name_of_invisible_characters_is_refused(make_user):
    member = make_user()
    with pytest.raises(RuleError, match="invisible characters"):
        names.set_display_name(member, ZWSP * 60)
    assert member.display_name == ""


def test_a_member_may_take_a_display_name_like_their_own_username(make_user):
    member = make_user("maya_okafor")
    names.set_display_name(member, "Maya Okafor")
    db.session.commit()
    assert (member.display_name, member.display_skeleton) == ("Maya Okafor", names.skeleton("maya okafor"))


def test_staff_may_use_role_words(make_user):
    admin = make_user("site_admin", role=Role.ADMIN)
    names.set_display_name(admin, "Counterpoint Admin")
    assert admin.display_name == "Counterpoint Admin"


@pytest.mark.parametrize("username", ["sam-mod", "sam_m0d", "sarn_mod", "Sam_Reyes", "samreyes", "admin",
                                      "mod_team", "staff1", "official_news"])
def test_look_alike_and_staff_usernames_are_refused(sam, username):
    with pytest.raises(RuleError):
        create_user(username, f"{username}@example.org", "long enough password")
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == username)) is None


def test_the_collision_check_is_one_query(sam, make_user, count_queries):
    member = make_user()
    with count_queries() as queries:
        member.id  # noqa: B018 (loaded again after count_queries expired it)
        queries.clear()
        with pytest.raises(RuleError, match="another member's name"):
            names.check_name_is_free("Sam Mod", user=member)
    assert len(queries) == 1


# --- Through the pages -----------------------------------------------------------

def _register(client, username, **extra):
    return client.post("/auth/register", data={"username": username, "email": f"{username}@example.org",
                                               "password": "long enough password",
                                               "confirm": "long enough password", **extra})


def test_registering_a_look_alike_username_is_refused_with_the_reason(client, sam):
    for username in ("sam-mod", "sam_m0d", "sarn_mod"):
        response = _register(client, username)
        assert response.status_code == 400, username
        assert "looks too much like another member" in response.text
    response = _register(client, "Moderator_Jo")
    assert response.status_code == 400 and "a word kept for the forum" in response.text
    assert db.session.scalar(select(User.id).where(User.username != "sam_mod")) is None


def test_setting_a_borrowed_display_name_is_refused_and_changes_nothing(client, sam, make_user):
    member = make_user("maya", display_name="")
    client.login(member)
    response = client.post("/settings/profile", data={"display_name": "sam_mod", "bio": "Hello",
                                                      "email": "maya@example.org"})
    assert response.status_code == 400 and "another member" in response.text
    assert "looks too much like" in response.text.split('id="display_name-error"')[1][:200]  # under its field
    db.session.expire_all()
    member = db.session.get(User, member.id)
    assert (member.display_name, member.bio) == ("", "")
    response = client.post("/settings/profile", data={"display_name": f"{RLO}Maya{PDF}" + ZWSP * 10,
                                                      "bio": "", "email": "maya@example.org"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, member.id).display_name == "Maya"


def test_staff_carry_a_badge_and_names_are_isolated(client, sam, make_topic, make_post, make_user):
    member = make_user("maya")
    names.set_display_name(member, "مايا")  # a right-to-left name
    db.session.commit()
    topic = make_topic(author=sam)
    make_post(topic=topic, author=member)
    make_post(topic=topic, author=sam)
    html = client.get(f"/t/{topic.id}").text
    assert html.count('<span class="tag role-badge role-moderator">Moderator</span>') >= 2  # byline, thread
    assert "<bdi>مايا</bdi>" in html and "<bdi>Sam Reyes</bdi>" in html
    assert 'role-badge">' not in html.split("<bdi>مايا</bdi>")[1][:60]  # no badge for a member
    profile = client.get("/u/sam_mod").text
    assert "<bdi>Sam Reyes</bdi>" in profile and "role-moderator" in profile
    home = client.get("/").text
    assert "role-moderator" in home  # the topic list: "by Sam Reyes [Moderator]"


def test_the_profile_title_isolates_the_name(client, make_user):
    member = make_user("maya")
    names.set_display_name(member, "Maya")
    db.session.commit()
    assert "<title>\u2068Maya\u2069" in client.get("/u/maya").text
