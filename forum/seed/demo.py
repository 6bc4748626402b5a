"""The demo forum: the Sora article, demo accounts and lively threads, and a
class with a running class debate (in its rebuttals) and a graded, closed one.

Idempotent: what already exists (matched by slug, username or title) is left
alone, so running it twice adds nothing twice.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..domain import (addresses, anchors, articles, classes, debates, grading, mail_notifications, names, posting,
                      reactions)
from ..domain.accounts import create_user, find_user
from ..extensions import db
from ..models import (Article, ClassDebate, Classroom, PhaseKind, PollPhase, Role, Stance, Topic, TopicKind, User,
                      utcnow)
from . import demo_content

# Demo-only passwords; printed by the command and written in the README.
DEMO_ACCOUNTS = [
    ("maya", "member", "maya-demo-pass"),
    ("sam_mod", "moderator", "sam-demo-pass"),
    ("prof_lee", "instructor", "lee-demo-pass"),
    ("ada_admin", "admin", "ada-demo-pass"),
    ("noor_mod", "moderator", "noor-demo-pass"),
    *((student, "student", "student-demo-pass") for student in demo_content.CLASS["students"]),
]
OTHER_AUTHORS_PASSWORD = "demo-author-pass"


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        if not self.created:
            return "Demo content already present; nothing added."
        return "Added " + ", ".join(f"{n} {what}" for what, n in self.created.items()) + "."


def seed_demo() -> SeedReport:
    report = SeedReport()
    unmailed = mail_notifications.mark()
    users = _seed_users(report)
    article = _seed_article(report)
    passages = {p.anchor: p for p in article.passages}
    # Spread the demo threads over the past weeks so the forum looks lived in.
    clock = _Clock(utcnow() - timedelta(days=20))
    for spec in demo_content.DISCUSSIONS:
        _seed_topic(spec, TopicKind.DISCUSSION, article, passages, users, clock, report)
    for spec in demo_content.DEBATES:
        _seed_topic(spec, TopicKind.DEBATE, article, passages, users, clock, report)
    _seed_class(demo_content.CLASS, article, users, report)
    mail_notifications.unmail_since(unmailed)  # made-up history: nobody is mailed about it
    return report


class _Clock:
    def __init__(self, start):
        self.now = start

    def tick(self, minutes: int = 47):
        self.now += timedelta(minutes=minutes)
        return self.now


def _seed_users(report: SeedReport) -> dict[str, User]:
    passwords = {name: password for name, _, password in DEMO_ACCOUNTS}
    users = {}
    for spec in demo_content.USERS:
        user = find_user(spec["username"])
        if user is None:
            user = create_user(spec["username"], f"{spec['username']}@demo.invalid",
                               passwords.get(spec["username"], OTHER_AUTHORS_PASSWORD), Role(spec["role"]))
            names.set_display_name(user, spec.get("display_name", ""))
            addresses.vouch_for(user)  # mail to the demo's members lands in instance/mail/
            user.bio = spec.get("bio", "")
            report.add("accounts")
        users[spec["username"]] = user
    return users


def _seed_article(report: SeedReport) -> Article:
    spec = demo_content.ARTICLE
    article = db.session.scalar(select(Article).where(Article.slug == spec["slug"]))
    if article is not None:
        return article
    summary = "\n\n".join(f"## {p['heading']}\n\n{p['body']}" for p in spec["passages"])
    article = articles.save_article(None, slug=spec["slug"], title=spec["title"],
                                    question=spec["question"], attribution=spec["attribution"],
                                    source_url=None, summary_md=summary)
    db.session.flush()
    # Keep the anchors the content names, whatever its headings slugify to.
    for passage, passage_spec in zip(article.passages, spec["passages"]):
        passage.anchor = passage_spec["anchor"]
    report.add("article")
    return article


def _seed_topic(spec, kind, article, passages, users, clock, report) -> None:
    exists = db.session.scalar(select(Topic.id).where(Topic.article_id == article.id,
                                                      Topic.title == spec["title"]))
    if exists is not None:
        return
    topic = posting.create_topic(
        users[spec["author"]], article, title=spec["title"],
        body=spec.get("body") or spec.get("description", ""), passage=passages.get(spec.get("passage")),
        kind=kind, pro_label=spec.get("pro_label"), con_label=spec.get("con_label"))
    topic.created_at = clock.tick()
    report.add(f"{kind}s")
    posts: list = []
    for reply in spec.get("replies", []) + spec.get("arguments", []):
        _seed_post(reply, topic, None, users, clock, report, posts)
    if kind == TopicKind.DEBATE:
        _seed_reactions(topic, posts, demo_content.DEBATE_REACTIONS.get(spec["title"], {}), users, report)
    topic.last_activity_at = clock.now


def _seed_post(spec, topic, parent, users, clock, report, posts) -> None:
    stance = Stance(spec["stance"]) if spec.get("stance") else None
    post = posting.create_post(users[spec["author"]], topic, spec["body"], parent=parent, stance=stance)
    post.created_at = clock.tick()
    if spec.get("quote"):
        post.anchor = anchors.anchor_quote(topic.article, post.author, anchors.Selector(spec["quote"]))
    posts.append(post)
    report.add("posts")
    for source in spec.get("sources", []):
        reactions.add_source(post, post.author, source["title"], source["url"])
        report.add("sources")
    for reply in spec.get("replies", []):
        _seed_post(reply, topic, post, users, clock, report, posts)


# How many "strong argument" votes the n-th post of a debate gets: varied, fixed.
_VOTES_BY_POSITION = (5, 2, 3, 1, 4, 0, 2, 3, 1, 0, 2)


def _seed_reactions(topic, posts, spec, users, report) -> None:
    """Votes, ∆ and before/after polls from the demo members, so results mean something."""
    people = list(users.values())
    for n, post in enumerate(posts):
        voters = [u for u in people[n % len(people):] + people[:n % len(people)] if u.id != post.author_id]
        for voter in voters[:_VOTES_BY_POSITION[n % len(_VOTES_BY_POSITION)]]:
            reactions.vote(post, voter)
            report.add("votes")
    arguments = [p for p in posts if p.parent_id is None]
    for index, awarder, explanation in spec.get("deltas", []):
        reactions.award_delta(arguments[index], users[awarder], explanation)
        report.add("∆")
    for username, (before, after) in spec.get("polls", {}).items():
        debates.answer_poll(topic, users[username], "before", before)
        debates.answer_poll(topic, users[username], "after", after)
        report.add("poll answers", 2)


# --- The demo class ----------------------------------------------------------------------
# Its posts are written through the class rules, each in its phase: the phase is opened
# around "now" while its posts are written, then the debate gets its real schedule.

def _seed_class(spec, article, users, report) -> None:
    instructor = users[spec["instructor"]]
    exists = db.session.scalar(select(Classroom.id).where(Classroom.name == spec["name"],
                                                          Classroom.created_by_id == instructor.id))
    if exists is not None:
        return
    classroom = classes.create_class(instructor, name=spec["name"], term=spec["term"],
                                     description=spec["description"], time_zone=spec["time_zone"])
    # Dated a month back, before the debates' phases (which run from three weeks ago).
    started = utcnow() - timedelta(days=30)
    classroom.created_at = started
    for n, student in enumerate(spec["students"]):
        classes.join_class(users[student], classroom.join_code).joined_at = started + timedelta(hours=2 + n)
    announcement = classes.post_announcement(classroom, instructor, **spec["announcement"])
    announcement.created_at = announcement.last_activity_at = started + timedelta(days=1)
    report.add("class")
    for debate in spec["debates"]:
        _seed_class_debate(debate, classroom, instructor, article, users, report)


def _open_now(topic, kind, limits, *, before: tuple = ()) -> None:
    """`kind` open from an hour ago to an hour ahead, while its posts are written;
    the phases `before` it moved into the past."""
    now = utcnow()
    for n, earlier in enumerate(before):
        classes.set_phase(topic, earlier, now - timedelta(hours=3 + n), now - timedelta(hours=2 + n))
    classes.set_phase(topic, kind, now - timedelta(hours=1), now + timedelta(hours=1), limits.get(kind))


def _seed_class_debate(spec, classroom, instructor, article, users, report) -> None:
    limits = spec["word_limits"]
    topic = classes.create_class_debate(classroom, instructor, article, title=spec["title"], body=spec["body"],
                                        pro_label=spec["pro_label"], con_label=spec["con_label"],
                                        anonymous=spec["anonymous"])
    classes.set_sides(topic, {users[name].id: Stance(side) for name, side in spec["sides"].items()})
    report.add("class debates")

    _open_now(topic, PhaseKind.OPENING, limits)
    openings = {}
    for name, body in spec["openings"]:
        openings[name] = posting.create_post(users[name], topic, body, stance=Stance(spec["sides"][name]))
    for name, value in spec["polls_before"].items():
        debates.answer_poll(topic, users[name], PollPhase.BEFORE, value)
        report.add("poll answers")
    _open_now(topic, PhaseKind.REBUTTAL, limits, before=(PhaseKind.OPENING,))
    rebuttals = [posting.create_post(users[name], topic, body, parent=openings[answers], stance=Stance.CON)
                 for name, answers, body in spec["rebuttals"]]
    report.add("class posts", len(openings) + len(rebuttals))

    now = utcnow()
    if spec["state"] == "rebuttal":  # running: the rebuttals are open now, two days in
        start = now - timedelta(days=4)
        schedule = [(PhaseKind.OPENING, 0, 2), (PhaseKind.REBUTTAL, 2, 6), (PhaseKind.CLOSING, 6, 7),
                    (PhaseKind.FINAL_VOTE, 7, 8)]
    else:  # over: three weeks ago, the final vote answered, graded, released and closed
        _open_now(topic, PhaseKind.FINAL_VOTE, limits, before=(PhaseKind.REBUTTAL, PhaseKind.OPENING))
        for name, value in spec["polls_after"].items():
            debates.answer_poll(topic, users[name], PollPhase.AFTER, value)
            report.add("poll answers")
        start = now - timedelta(days=21)
        schedule = [(PhaseKind.OPENING, 0, 2), (PhaseKind.REBUTTAL, 2, 4), (PhaseKind.FINAL_VOTE, 4, 5)]
    for kind, opens, closes in schedule:
        classes.set_phase(topic, kind, start + timedelta(days=opens), start + timedelta(days=closes),
                          limits.get(kind))
    # Dated as if written during their phases.
    topic.created_at = start - timedelta(days=1)
    for n, post in enumerate(openings.values()):
        post.created_at = start + timedelta(hours=3 + 4 * n)
    for n, post in enumerate(rebuttals):
        post.created_at = start + timedelta(days=2, hours=2 + 3 * n)
    topic.last_activity_at = max(p.created_at for p in [*openings.values(), *rebuttals])

    if spec["state"] == "graded":
        criteria = grading.rubric(topic.id)
        for name, (points, comment) in spec["grades"].items():
            grading.save_grades(topic, users[name], {c.id: (p, comment if c is criteria[0] else "")
                                                     for c, p in zip(criteria, points)})
        grading.set_released(db.session.get(ClassDebate, topic.id), True)
        debates.close_debate(topic, instructor)
        topic.closed_at = start + timedelta(days=5)
        report.add("graded debate")
