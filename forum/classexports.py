"""Exports of a class debate: grades and participation as CSV, the transcript as Markdown."""
from collections import defaultdict

from . import classes
from .csvexport import write_csv
from .models import Post, Stance, Topic


def grades_csv(overview) -> str:
    criteria = overview.rubric
    header = ["student", "username", "side"] + [f"{c.name} (/{c.max_points})" for c in criteria] \
        + ["total", f"out of {sum(c.max_points for c in criteria)}", "comments"]
    rows = [header]
    for member in overview.context.students:
        graded = overview.grades.get(member.user_id)
        marks = graded.by_criterion if graded else {}
        comments = "; ".join(f"{c.name}: {marks[c.id].comment}" for c in criteria
                             if c.id in marks and marks[c.id].comment)
        rows.append([overview.context.shown(member.user_id, member.user.name), member.user.username,
                     overview.sides.get(member.user_id, "")]
                    + [marks[c.id].points if c.id in marks else "" for c in criteria]
                    + [graded.total if graded else "", sum(c.max_points for c in criteria), comments])
    return write_csv(rows)


def participation_csv(dashboard) -> str:
    phases = dashboard.phase_labels
    header = ["student", "username", "side", "arguments", "rebuttals", "comments", "words",
              "deltas received", "deltas given", "votes received", "late posts",
              "last activity (UTC)"] + [f"posts in {label}" for _, label in phases]
    rows = [header]
    for row in dashboard.rows:
        rows.append([row.shown, row.name, row.side or "", row.arguments, row.rebuttals, row.comments,
                     row.words, row.deltas_received, row.deltas_given, row.votes_received, row.late,
                     row.last_activity.strftime("%Y-%m-%d %H:%M") if row.last_activity else ""]
                    + [row.per_phase.get(kind, 0) for kind, _ in phases])
    return write_csv(rows)


def _stance_text(topic: Topic, post: Post) -> str:
    if post.parent_id is None:
        return {Stance.PRO: f"for “{topic.pro_label}”", Stance.CON: f"for “{topic.con_label}”"}.get(
            post.stance, "comment")
    return {Stance.PRO: "supports", Stance.CON: "challenges"}.get(post.stance, "comment")


def transcript(context, posts: list[Post]) -> str:
    """The whole debate, threaded (nested quotes), with stances and phases."""
    topic, zone = context.topic, context.classroom.time_zone
    children = defaultdict(list)
    for post in posts:
        children[post.parent_id].append(post)
    lines = [f"# {topic.title}", "",
             f"Class debate in {context.classroom.name}: “{topic.pro_label}” against “{topic.con_label}”. "
             f"Times in {zone}.", "", "## The motion", "", topic.body_md.strip(), "", "## The debate", ""]

    def write(post: Post, depth: int) -> None:
        quote = "> " * depth
        author = context.shown(post.author_id, post.author.name)
        phase = classes.PHASE_LABELS.get(post.phase, "outside the phases") if post.phase else "outside the phases"
        when = classes.format_in_zone(post.created_at, zone)
        lines.append(f"{quote}**{author}** — {_stance_text(topic, post)} · {phase} · {when} (post {post.id})")
        lines.append(quote.rstrip())
        body = "*[removed]*" if post.is_deleted else post.body_md.strip()
        lines.extend((quote + line).rstrip() for line in body.splitlines())
        lines.append("")
        for child in children.get(post.id, []):
            write(child, depth + 1)

    for root in children.get(None, []):
        write(root, 0)
    if not children.get(None):
        lines.append("*No posts yet.*")
    return "\n".join(lines).rstrip() + "\n"
