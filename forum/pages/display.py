"""Small presentation helpers for templates (no queries, no rules)."""
from datetime import datetime

from ..domain.anonymity import shown
from ..domain.sent_forms import new_key
from ..models import utcnow
from ..models.users import STAFF_BADGES


def timeago(moment: datetime | None, now: datetime | None = None) -> str:
    if moment is None:
        return ""
    seconds = int(((now or utcnow()) - moment).total_seconds())
    if seconds < 60:
        return "just now"
    for size, unit in ((86400 * 365, "year"), (86400 * 30, "month"), (86400, "day"),
                       (3600, "hour"), (60, "minute")):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def isotime(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fulltime(moment: datetime | None) -> str:
    """"5 Mar 2026, 09:07 UTC" (what strftime("%-d %b %Y, %H:%M UTC") gives, a third of its cost)."""
    if not moment:
        return ""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment.hour:02d}:{moment.minute:02d} UTC"


def phase_label(phase: str | None, top_level: bool) -> str:
    """"Opening statement", "Rebuttal"...: the class-debate phase a post was written in."""
    if not phase:
        return ""
    label = phase.replace("_", " ").capitalize()
    return f"{label} statement" if phase == "closing" and top_level else label


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def isolate(name: str) -> str:
    """A name inside plain text that takes no tags (a <title>, an aria-label, a
    confirm dialog): the Unicode isolates FSI … PDI do what <bdi> does."""
    return f"\u2068{name}\u2069"


FILTERS = {"timeago": timeago, "isotime": isotime, "fulltime": fulltime, "plural": plural, "isolate": isolate}
# `shown(names, user_id, name, username)`: how a person is named on the page (anonymity.py).
# `form_key()`: a fresh one-time key for a form that makes a post (sent_forms.py).
# `staff_badges`: the badge beside a staff member's name, by role (_macros/names.html).
GLOBALS = {"phase_label": phase_label, "shown": shown, "form_key": new_key, "staff_badges": STAFF_BADGES}


def field_attrs(field, *, hint: bool | None = None, **extra) -> dict:
    """ARIA wiring for a form field: its hint and error are described-by, errors invalid."""
    described = []
    if hint if hint is not None else field.description:
        described.append(f"{field.id}-hint")
    if field.errors:
        described.append(f"{field.id}-error")
    attrs = dict(extra)
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs
