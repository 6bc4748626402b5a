"""Exports of a class debate: grades and participation as CSV, the transcript as Markdown."""
from collections import defaultdict

from ..domain import class_rules, permissions
from ..models import Post, PostStatus, Stance, Topic
from .csv_export import write_csv


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


# Past this depth a reply's quote stays at this many levels and names the post it
# answers: a chain a thousand replies deep would otherwise make every line of the
# file thousands of characters long.
QUOTE_DEPTH_MAX = 12


def _body_lines(post: Post, reader) -> list[str]:
    """What `reader` may read of a post, as the thread page's `post_body` macro shows it:
    `permissions.can_see_post_text` decides; others get the same tombstone."""
    if post.is_deleted:
        return ["*This post was deleted by its author.*"]
    may_read = permissions.can_see_post_text(reader, post)
    if post.is_removed:
        tombstone = f"*Removed by a moderator: {post.removal_reason}*"
        if not may_read:
            return [tombstone]
        return [tombstone, "", "*Removed text, shown to moderators only:*", "", *post.body_md.strip().splitlines()]
    if post.is_pending_review:
        if not may_read:
            return ["*This post is hidden pending review.*"]
        marker = "Held for review" if post.status == PostStatus.HELD else "Hidden pending review"
        return [f"*{marker}: only its author and moderators see this text.*", "",
                *post.body_md.strip().splitlines()]
    return post.body_md.strip().splitlines()


def _motion(topic, reader) -> tuple[str, list[str]]:
    """The motion's title and text as `reader` may read them, as the topic page shows
    them (`permissions.can_see_topic_text`): a tombstone when moderation hid or removed it."""
    text = topic.body_md.strip().splitlines()
    if topic.is_removed:
        tombstone = f"*This topic's opening text was removed by a moderator: {topic.removal_reason}*"
        if not permissions.can_see_topic_text(reader, topic):
            return "Topic removed by a moderator", [tombstone]
        return topic.title, [tombstone, "", "*Removed text, shown to moderators only:*", "", *text]
    if topic.is_pending_review:
        if not permissions.can_see_topic_text(reader, topic):
            return "Topic hidden pending review", ["*This topic's opening text is hidden pending review.*"]
        return topic.title, ["*Hidden pending review: only its author and moderators see this text.*", "", *text]
    return topic.title, text


def transcript(context, posts: list[Post], reader) -> str:
    """The whole debate, threaded (nested quotes), with stances and phases, as
    `reader` may read it: removed, hidden and held posts are tombstones to those
    the thread page shows a tombstone."""
    topic, zone = context.topic, context.classroom.time_zone
    children = defaultdict(list)
    for post in posts:
        children[post.parent_id].append(post)
    title, motion = _motion(topic, reader)
    lines = [f"# {title}", "",
             f"Class debate in {context.classroom.name}: “{topic.pro_label}” against “{topic.con_label}”. "
             f"Times in {zone}.", "", "## The motion", "", *motion, "", "## The debate", ""]

    # Depth first, in order, without recursion: a reply chain may be thousands deep.
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        post, depth = stack.pop()
        quote = "> " * min(depth, QUOTE_DEPTH_MAX)
        author = context.shown(post.author_id, post.author.name)
        phase = class_rules.PHASE_LABELS.get(post.phase, "outside the phases") if post.phase else "outside the phases"
        when = class_rules.format_in_zone(post.created_at, zone)
        answers = f", answering post {post.parent_id}" if depth > QUOTE_DEPTH_MAX else ""
        lines.append(f"{quote}**{author}** — {_stance_text(topic, post)} · {phase} · {when} (post {post.id}{answers})")
        lines.append(quote.rstrip())
        lines.extend((quote + line).rstrip() for line in _body_lines(post, reader))
        lines.append("")
        stack.extend((child, depth + 1) for child in reversed(children.get(post.id, [])))
    if not children.get(None):
        lines.append("*No posts yet.*")
    return "\n".join(lines).rstrip() + "\n"
