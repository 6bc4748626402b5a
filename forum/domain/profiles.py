"""A person's own account settings: how they are shown, their password (the address: addresses.py)."""
from werkzeug.security import check_password_hash

from ..models import User
from . import accounts, names
from .errors import RuleError

DISPLAY_NAME_MAX = names.DISPLAY_NAME_MAX
BIO_MAX = 500


def update_profile(user: User, *, display_name: str, bio: str) -> User:
    """All checked first, then all changed: a refusal changes nothing. The display
    name's own rules (cleaning, look-alikes, staff words) are domain/names.py's.
    The address is changed apart, with its confirmation (addresses.change_address)."""
    bio = (bio or "").replace("\r\n", "\n").strip()
    if len(bio) > BIO_MAX:
        raise RuleError(f"The bio is {len(bio):,} characters; the limit is {BIO_MAX}.")
    names.set_display_name(user, display_name)
    user.bio = bio
    return user


def change_password(user: User, *, current: str, new: str) -> User:
    if not check_password_hash(user.password_hash, current or ""):
        raise RuleError("That is not your current password; nothing was changed.")
    if new == current:
        raise RuleError("The new password is the same as the current one.")
    accounts.set_password(user, new)
    return user
