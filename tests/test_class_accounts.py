"""Class accounts without e-mail (forum/domain/class_accounts.py, /classes/<id>/students/new,
/classes/<id>/students/<user>/code, /auth/class-code): the codes, the list's refusals,
the sheet, a new code for the class's own accounts only, and signing in with a code."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from forum.domain import accounts, addresses, class_accounts, classes
from forum.domain.errors import RuleError
from forum.extensions import db
from forum.models import (ClassMembership, ClassRole, ClassSignInCode, MailStatus, OutboxMessage, User, UserSession,
                          utcnow)
from tests.test_sign_in_limits import make_limited  # noqa: F401 - a fixture

NEW_PASSWORD = "my own passphrase"


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _add(client, classroom, names: str = "", **data):
    return client.post(f"/classes/{classroom.id}/students/new", data={"names": names, **data},
                       content_type="multipart/form-data")


def _sign_in(client, username, code, password=NEW_PASSWORD):
    return client.post("/auth/class-code", data={"username": username, "code": code, "password": password,
                                                 "confirm": password},
                       environ_base={"HTTP_SEC_FETCH_SITE": "same-origin"})


def _codes_in(page: str) -> list[str]:
    return re.findall(r'<td class="sheet-code">([A-Z]{5}-[A-Z]{5})</td>', page)


def _made(classroom, instructor, *names):
    issued = class_accounts.add_students(classroom, instructor, list(names))
    db.session.commit()
    return issued


# --- Codes ---------------------------------------------------------------------------------

def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1lIL") & set(class_accounts.CODE_ALPHABET)
    assert class_accounts.CODE_ALPHABET.isalpha() and class_accounts.CODE_ALPHABET.isupper()
    assert len(set(class_accounts.CODE_ALPHABET)) == len(class_accounts.CODE_ALPHABET)


def test_codes_are_drawn_from_the_alphabet_and_differ():
    codes = {class_accounts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == class_accounts.CODE_LENGTH and set(code) <= set(class_accounts.CODE_ALPHABET)
               for code in codes)


def test_a_code_is_typed_in_any_case_with_or_without_its_dash(app):
    code = "ABCDEFGHJK"
    shown = class_accounts.shown_code(code)
    assert shown == "ABCDE-FGHJK"
    for typed in (shown, "abcde-fghjk", " abcde fghjk ", "ABCDE–FGHJK"):
        assert class_accounts.code_hash(typed) == class_accounts.code_hash(code)
    assert class_accounts.code_hash("ABCDEFGHJM") != class_accounts.code_hash(code)


def test_the_hash_is_keyed_and_not_the_code(app, monkeypatch):
    code = class_accounts.new_code()
    digest = class_accounts.code_hash(code)
    assert code not in digest and len(digest) == 64
    monkeypatch.setitem(app.config, "SECRET_KEY", "another secret")
    assert class_accounts.code_hash(code) != digest


def test_only_the_hash_is_stored_and_the_code_expires(make_class, app):
    classroom = make_class()
    [issued] = _made(classroom, classroom.instructor, "Maya Rossi")
    row = db.session.get(ClassSignInCode, issued.user.id)
    assert row.code_hash == class_accounts.code_hash(issued.code) and issued.code not in row.code_hash
    assert row.expires_at - row.issued_at == timedelta(days=app.config["CLASS_CODE_DAYS"])
    later = row.expires_at + timedelta(seconds=1)
    with pytest.raises(RuleError, match="expired"):
        class_accounts.sign_in_with_code(issued.user.username, issued.code, NEW_PASSWORD, now=later)
    user = class_accounts.sign_in_with_code(issued.user.username, issued.code, NEW_PASSWORD,
                                            now=row.expires_at - timedelta(seconds=1))
    assert check_password_hash(user.password_hash, NEW_PASSWORD)


# --- Reading the list --------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("", "The list is empty"),
    ("\n  \n\t\n", "The list is empty"),
    ("Maya Rossi\nSam Lee\nmaya  rossi", "Line 3: “maya rossi” is on line 1 already"),
    ("\n".join(f"Student {n}" for n in range(201)), "That is 201 names; at most 200"),
    ("x" * 61, "Line 1: a name is at most 60"),
])
def test_bad_lists_are_refused(text, message):
    with pytest.raises(RuleError, match=message):
        class_accounts.parse_names(text)


def test_a_list_is_cleaned():
    assert class_accounts.parse_names("  Maya   Rossi \r\n\nZoë O'Brien\n") == ["Maya Rossi", "Zoë O'Brien"]


def test_a_csv_of_one_column_with_or_without_a_header():
    assert class_accounts.parse_csv("\ufeffname\r\nMaya Rossi\r\n\"Lee, Sam\"\r\n".encode()) == [
        "Maya Rossi", "Lee, Sam"]
    assert class_accounts.parse_csv(b"Maya Rossi\nSam Lee\n") == ["Maya Rossi", "Sam Lee"]


@pytest.mark.parametrize("data, message", [
    (b"name,email\nMaya,maya@example.org\n", "Line 1 of the file has 2 columns"),
    (b"Maya\nSam,Lee\n", "Line 2 of the file has 2 columns"),
    (b"\xff\xfeM\x00", "not UTF-8"),
    (b"name\n", "The list is empty"),
])
def test_bad_files_are_refused(data, message):
    with pytest.raises(RuleError, match=message):
        class_accounts.parse_csv(data)


@pytest.mark.parametrize("name, base", [("Maya Rossi", "maya-rossi"), ("Zoë O'Brien", "zoe-obrien"),
                                        ("Li", "li-student"), ("李雷", "student"),
                                        ("A" * 40, "a" * 24)])
def test_usernames_come_from_names(name, base):
    assert class_accounts.username_base(name) == base
    accounts.check_username(base)


def test_a_taken_username_gets_a_suffix(make_class, make_user):
    make_user("li-student")
    classroom = make_class()
    [issued] = _made(classroom, classroom.instructor, "Li")
    assert issued.user.username == "li-student-2" and issued.user.display_name == "Li"


def test_a_name_like_another_members_is_refused_with_its_place(make_class, make_user):
    make_user("maya-rossi")
    classroom = make_class()
    with pytest.raises(RuleError, match="Name 2 .“Maya Rossi”.: That display name looks too much like another"):
        class_accounts.add_students(classroom, classroom.instructor, ["Sam Lee", "Maya Rossi"])


# --- The instructor's page and the sheet -----------------------------------------------------

def test_pasting_names_makes_accounts_in_the_class_and_a_sheet(client, make_class):
    classroom = make_class(students=1)
    response = _add(client.login(classroom.instructor), classroom, "Maya Rossi\nSam Lee\nZoë O'Brien\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    made = list(db.session.scalars(select(User).join(ClassSignInCode, ClassSignInCode.user_id == User.id)
                                   .order_by(User.id)))
    assert [(u.username, u.display_name, u.email) for u in made] == [
        ("maya-rossi", "Maya Rossi", ""), ("sam-lee", "Sam Lee", ""), ("zoe-obrien", "Zoë O'Brien", "")]
    for user in made:
        assert classes.role_of(user, classroom.id) == ClassRole.STUDENT
        assert f"<bdi>{user.username}</bdi>" in page
        assert not check_password_hash(user.password_hash, "")
    codes = _codes_in(page)
    assert len(codes) == 3
    assert class_accounts.sign_in_with_code("sam-lee", codes[1], NEW_PASSWORD).username == "sam-lee"
    assert "/auth/class-code" in page and "css/sheet.css" in page


def test_a_csv_upload_makes_accounts(client, make_class):
    classroom = make_class()
    response = _add(client.login(classroom.instructor), classroom,
                    csv_file=(io.BytesIO(b"name\nMaya Rossi\nSam Lee\n"), "class.csv"))
    assert response.status_code == 200 and "sam-lee" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClassSignInCode)) == 2


@pytest.mark.parametrize("data, message", [
    ({"names": ""}, "The list is empty"),
    ({"names": "\n".join(f"Student {n}" for n in range(201))}, "at most 200"),
    ({"names": "Maya Rossi\nSam Lee\nMaya Rossi"}, "is on line 1 already"),
    ({"csv_file": (io.BytesIO(b"Maya,Rossi\n"), "two.csv")}, "has 2 columns"),
    ({"names": "Maya Rossi", "csv_file": (io.BytesIO(b"Sam Lee\n"), "one.csv")}, "not both"),
    ({"names": "Maya Rossi\nModerator Bob"}, "Name 2"),
])
def test_bad_input_changes_nothing_and_keeps_the_text(client, make_class, data, message):
    classroom = make_class()
    before = _users()
    response = client.login(classroom.instructor).post(f"/classes/{classroom.id}/students/new", data=data,
                                                       content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert _users() == before and db.session.scalar(select(func.count()).select_from(ClassSignInCode)) == 0
    if data.get("names"):
        assert data["names"].splitlines()[0] in page


def test_sending_the_list_again_makes_nothing(client, make_class):
    classroom = make_class()
    client.login(classroom.instructor)
    assert _add(client, classroom, "Maya Rossi\nSam Lee").status_code == 200
    before = _users()
    again = _add(client, classroom, "Maya Rossi\nSam Lee")
    assert again.status_code == 400 and "is in this class already" in again.get_data(as_text=True)
    assert _users() == before


def test_the_class_page_links_to_it_for_instructors_only(client, make_class):
    classroom = make_class(students=1)
    link = f'href="/classes/{classroom.id}/students/new"'
    assert link in client.login(classroom.instructor).get(f"/classes/{classroom.id}").get_data(as_text=True)
    student = db.session.scalar(select(ClassMembership).where(ClassMembership.class_id == classroom.id,
                                                              ClassMembership.role == ClassRole.STUDENT)).user
    assert link not in client.login(student).get(f"/classes/{classroom.id}").get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("student", 403), ("outsider", 404), ("other instructor", 404)])
def test_only_the_class_instructors_add_students(client, make_class, make_user, who, status):
    classroom, other = make_class(students=1), make_class()
    person = {"student": lambda: db.session.scalar(select(ClassMembership).where(
        ClassMembership.class_id == classroom.id, ClassMembership.role == ClassRole.STUDENT)).user,
              "outsider": make_user, "other instructor": lambda: other.instructor}[who]()
    before = _users()
    client.login(person)
    assert client.get(f"/classes/{classroom.id}/students/new").status_code == status
    assert _add(client, classroom, "Maya Rossi").status_code == status
    assert _users() == before


def test_a_guest_is_sent_to_sign_in(client, make_class):
    classroom = make_class()
    assert "/auth/login" in client.get(f"/classes/{classroom.id}/students/new").headers["Location"]


def test_an_archived_class_takes_no_students(client, make_class):
    classroom = make_class()
    classes.archive_class(classroom)
    db.session.commit()
    response = _add(client.login(classroom.instructor), classroom, "Maya Rossi")
    assert response.status_code == 400 and "archived" in response.get_data(as_text=True)


# --- A new code -------------------------------------------------------------------------------

def _new_code(client, classroom, user):
    return client.post(f"/classes/{classroom.id}/students/{user.id}/code")


def test_the_instructor_issues_a_new_code_and_the_old_one_dies(client, make_class):
    classroom = make_class()
    [old] = _made(classroom, classroom.instructor, "Maya Rossi")
    page = client.login(classroom.instructor).get(f"/classes/{classroom.id}").get_data(as_text=True)
    assert f"/classes/{classroom.id}/students/{old.user.id}/code" in page and "New sign-in code" in page
    response = _new_code(client, classroom, old.user)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    [new] = _codes_in(text)
    assert new != class_accounts.shown_code(old.code)
    with pytest.raises(RuleError, match="don't match"):
        class_accounts.sign_in_with_code("maya-rossi", old.code, NEW_PASSWORD)
    assert class_accounts.sign_in_with_code("maya-rossi", new, NEW_PASSWORD).username == "maya-rossi"


@pytest.mark.parametrize("who, status", [("other instructor", 404), ("student", 403), ("outsider", 404)])
def test_nobody_else_issues_a_code(client, make_class, make_user, who, status):
    classroom, other = make_class(), make_class()
    [maya, sam] = _made(classroom, classroom.instructor, "Maya Rossi", "Sam Lee")
    person = {"other instructor": other.instructor, "student": sam.user, "outsider": make_user()}[who]
    before = db.session.get(ClassSignInCode, maya.user.id).code_hash
    assert _new_code(client.login(person), classroom, maya.user).status_code == status
    # Nor through the instructor's own class, for a student of another class.
    assert _new_code(client, other, maya.user).status_code == 404
    db.session.expire_all()
    assert db.session.get(ClassSignInCode, maya.user.id).code_hash == before
    assert class_accounts.sign_in_with_code("maya-rossi", maya.code, NEW_PASSWORD)


def test_an_instructor_cannot_issue_a_code_for_an_account_their_class_did_not_make(client, make_class, make_user):
    classroom, other = make_class(), make_class()
    joined = make_user("joined-by-code")
    classes.join_class(joined, classroom.join_code)
    [elsewhere] = _made(other, other.instructor, "Maya Rossi")
    classes.join_class(elsewhere.user, classroom.join_code)  # in both classes, made by the other
    db.session.commit()
    client.login(classroom.instructor)
    assert _new_code(client, classroom, joined).status_code == 404
    assert _new_code(client, classroom, elsewhere.user).status_code == 404
    assert _new_code(client, classroom, classroom.instructor).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ClassSignInCode)
                             .where(ClassSignInCode.user_id == joined.id)) == 0


def test_no_code_for_an_account_removed_from_the_class(client, make_class):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    classes.remove_student(classroom, maya.user)
    db.session.commit()
    assert _new_code(client.login(classroom.instructor), classroom, maya.user).status_code == 404


def test_no_code_once_the_student_confirmed_an_address(client, make_class):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    maya.user.email, maya.user.email_verified_at = "maya@example.org", utcnow()
    db.session.commit()
    before = db.session.get(ClassSignInCode, maya.user.id).code_hash
    response = _new_code(client.login(classroom.instructor), classroom, maya.user)
    assert response.status_code == 302 and response.location == f"/classes/{classroom.id}"
    assert "has a confirmed email address" in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ClassSignInCode, maya.user.id).code_hash == before


# --- Signing in with a code ---------------------------------------------------------------

def test_the_sign_in_page_links_to_the_class_code_page(client):
    assert 'href="/auth/class-code"' in client.get("/auth/login").get_data(as_text=True)
    assert client.get("/auth/class-code").status_code == 200


def test_a_student_signs_in_with_a_code_sets_a_password_and_lands_in_the_class(client, make_class):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    response = _sign_in(client, "Maya-Rossi", class_accounts.shown_code(maya.code).lower())
    assert response.status_code == 302 and response.location == f"/classes/{classroom.id}"
    assert client.get(f"/classes/{classroom.id}").status_code == 200
    db.session.expire_all()
    assert accounts.authenticate("maya-rossi", NEW_PASSWORD) is not None
    assert db.session.get(ClassSignInCode, maya.user.id).code_hash is None
    client.logout()
    again = _sign_in(client, "maya-rossi", maya.code, "yet another password")
    assert again.status_code == 400 and "a code works once" in again.get_data(as_text=True)
    assert accounts.authenticate("maya-rossi", NEW_PASSWORD) is not None


@pytest.mark.parametrize("username, code", [("maya-rossi", "ABCDE-FGHJK"), ("nobody-here", None),
                                            ("sam-lee", None), ("", None)])
def test_a_wrong_code_or_name_signs_nobody_in(client, make_class, username, code):
    classroom = make_class()
    [maya, _sam] = _made(classroom, classroom.instructor, "Maya Rossi", "Sam Lee")
    response = _sign_in(client, username, code or maya.code)
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    db.session.expire_all()
    assert db.session.get(ClassSignInCode, maya.user.id).code_hash is not None


def test_a_code_that_does_not_match_keeps_nothing_of_the_password(client, make_class):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    before = maya.user.password_hash
    _sign_in(client, "maya-rossi", "WRONG-CODES")
    db.session.expire_all()
    assert db.session.get(User, maya.user.id).password_hash == before


def test_an_expired_code_is_refused(client, make_class):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    row = db.session.get(ClassSignInCode, maya.user.id)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = _sign_in(client, "maya-rossi", maya.code)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_failed_code_sign_ins_are_limited_like_failed_sign_ins(make_limited, make_class):
    client = make_limited(LIMIT_LOGIN_ACCOUNT="3 per 15 minutes")
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    for _ in range(3):
        assert _sign_in(client, "maya-rossi", "WRONG-GUESS").status_code == 400
    refused = _sign_in(client, "maya-rossi", maya.code)  # refused before the code is checked
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    db.session.expire_all()
    assert db.session.get(ClassSignInCode, maya.user.id).code_hash is not None


def test_a_successful_code_sign_in_does_not_spend_the_allowance(make_limited, make_class):
    client = make_limited(LIMIT_LOGIN_ACCOUNT="1 per 15 minutes")
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    assert _sign_in(client, "maya-rossi", maya.code).status_code == 302


# --- Without an address, and adding one ---------------------------------------------------------

def test_a_class_account_adds_an_address_which_is_then_confirmed(client, make_class, app):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    client.login(maya.user)
    page = client.get("/settings").get_data(as_text=True)
    assert "has no email address" in page and "Add address" in page
    assert client.post("/settings/email", data={"email": "maya@example.org"}).status_code == 302
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert [(m.kind, m.to_address) for m in messages] == [("address_confirm", "maya@example.org")]
    db.session.expire_all()
    assert maya.user.email == "maya@example.org" and not addresses.is_confirmed(maya.user)


def test_a_class_account_posts_when_confirmation_is_required(client, make_class, make_topic, monkeypatch, app):
    classroom = make_class()
    [maya] = _made(classroom, classroom.instructor, "Maya Rossi")
    topic = make_topic()
    monkeypatch.setitem(app.config, "REQUIRE_VERIFIED_EMAIL", True)
    assert client.login(maya.user).post(f"/t/{topic.id}/reply", data={"body": "Hello"}).status_code == 302


def test_a_reset_for_an_account_without_an_address_sends_nothing(client, make_class):
    classroom = make_class()
    _made(classroom, classroom.instructor, "Maya Rossi")
    response = client.post("/auth/forgot", data={"identifier": "maya-rossi"})
    assert response.status_code == 302
    assert response.location == "/auth/forgot?sent=1"  # the same answer as for any name
    [message] = db.session.scalars(select(OutboxMessage))
    assert message.status == MailStatus.VOID and message.to_address == ""
