"""Rate limits on writing, signing in and registering (Flask-Limiter), as
decorators for views; the client's address, and whether to believe a reverse
proxy about it.

Every number is a setting (see config.py); `FLASK_RATELIMIT_ENABLED=false` turns
them off. The rules on what is written (slow mode, links, watched words) are
domain rules: domain/screening.py.

Signing in counts only the attempts that fail (a wrong password), per account and
per address, so a class of forty signing in from one school address all get in
while a guesser is stopped; a refused attempt is refused before any password is
checked. Registering counts the accounts made per address.

Asking for a password reset is limited per address (a refusal anyone may see)
and per account (silently: the mail is not sent, and the answer is the same, so
the limit tells nobody whether an account exists).
"""
import hashlib
import hmac
import ipaddress

from flask import Flask, current_app, g, request
from flask_login import current_user
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from ..domain.accounts import username_key
from ..extensions import limiter

# An IPv6 address is one of the 2^64 in its /64, which one machine is usually given.
IPV6_PREFIX = 64


def trust_proxies(app: Flask) -> None:
    """Read the client's address (and scheme) from X-Forwarded-For (-Proto) as set by
    `TRUSTED_PROXIES` reverse proxies in front, and never otherwise: without a proxy
    that overwrites it, anyone can send the header and be any address they like."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def client_address() -> str:
    """Where the request comes from, as limits count it: the address, or for IPv6
    its /64 network (one machine can change addresses within it at will)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def address_tag() -> str:
    """The client's address (as `client_address`) as stored with a new account: a
    keyed hash (HMAC-SHA256 with SECRET_KEY, 128 bits of it), enough to tell that two
    accounts came from the same address and not which address that was."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"registration:" + client_address().encode(), hashlib.sha256).hexdigest()[:32]


def _member_key() -> str:
    return f"member:{current_user.id}" if current_user.is_authenticated else client_address()


def _login_account_key() -> str:
    """The account a password was typed for: the sign-in form's username, or the
    signed-in member's own (deleting one's account asks for the password too)."""
    typed = request.form.get("username")
    if typed is None and current_user.is_authenticated:
        return "login:" + current_user.username_key
    return "login:" + username_key((typed or "").strip())[:100]


def _setting(name: str):
    return lambda: current_app.config[name]


def failed_sign_in() -> None:
    """Called by the sign-in view when a password was wrong: that attempt counts."""
    g.sign_in_failed = True


def account_made() -> None:
    """Called by the registration view when it made an account: that one counts."""
    g.account_made = True


_SIGN_IN_REFUSED = ("Too many failed sign-ins for this account or from your address, so this one was "
                    "not checked. If you have forgotten your password, use “Forgot your password?”.")
_REGISTER_REFUSED = ("Too many accounts were made from your address in a short time. "
                     "Nothing was created; your instructor or an admin can help.")

# Shared: a new topic and a reply anywhere count against the same allowance.
posting = limiter.shared_limit(_setting("LIMIT_POSTS"), scope="posting", key_func=_member_key, methods=["POST"])
flagging = limiter.limit(_setting("LIMIT_FLAGS"), key_func=_member_key, methods=["POST"], scope="flagging")
# Tested before the view runs (a spent allowance refuses before any hash is computed);
# deducted after it, only when it says the attempt failed (`deduct_when`). Shared by
# every view that checks a password typed to confirm who one is (signing in,
# deleting one's account): a guess counts the same wherever it is typed.
login_per_ip = limiter.shared_limit(_setting("LIMIT_LOGIN_IP"), key_func=client_address, methods=["POST"],
                                    scope="login-ip", deduct_when=lambda response: g.get("sign_in_failed", False),
                                    error_message=_SIGN_IN_REFUSED)
login_per_account = limiter.shared_limit(_setting("LIMIT_LOGIN_ACCOUNT"), key_func=_login_account_key,
                                         methods=["POST"], scope="login-account",
                                         deduct_when=lambda response: g.get("sign_in_failed", False),
                                         error_message=_SIGN_IN_REFUSED)
registering = limiter.limit(_setting("LIMIT_REGISTER_IP"), key_func=client_address, methods=["POST"],
                            scope="register-ip", deduct_when=lambda response: g.get("account_made", False),
                            error_message=_REGISTER_REFUSED)
reset_per_ip = limiter.limit(_setting("LIMIT_RESET_IP"), key_func=client_address, methods=["POST"],
                             scope="reset-ip",
                             error_message="Too many password resets were asked for from your address. "
                                           "Wait an hour, or ask an admin.")


# Mail to confirm an address (a change of address, "resend confirmation"), per member.
address_mail = limiter.shared_limit(_setting("LIMIT_ADDRESS_MAIL"), scope="address-mail", key_func=_member_key,
                                    methods=["POST"],
                                    error_message="Too many confirmation mails were asked for from your account. "
                                                  "Wait an hour; the last link sent still works.")


def reset_mail_allowed(address: str) -> bool:
    """Counts one reset mail to `address` (an account's address, or what was typed
    when nothing matched, so that the work is the same) against LIMIT_RESET_ACCOUNT;
    False when the allowance is spent. Kept as a keyed hash, not the address."""
    if not limiter.enabled:
        return True
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"reset:" + address.encode(),
                   hashlib.sha256).hexdigest()[:32]
    counted = [limiter.limiter.hit(item, "reset-account", key)
               for item in parse_many(current_app.config["LIMIT_RESET_ACCOUNT"])]
    return all(counted)
