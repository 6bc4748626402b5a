"""Rate limits on writing and signing in (Flask-Limiter), as decorators for views.

Every number is a setting (see config.py); `FLASK_RATELIMIT_ENABLED=false` turns
them off. The rules on what is written (slow mode, links, watched words) are
domain rules: domain/screening.py.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..domain.accounts import username_key
from ..extensions import limiter


def _member_key() -> str:
    return f"member:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _login_account_key() -> str:
    return "login:" + username_key((request.form.get("username") or "").strip())[:100]


def _setting(name: str):
    return lambda: current_app.config[name]


# Shared: a new topic and a reply anywhere count against the same allowance.
posting = limiter.shared_limit(_setting("LIMIT_POSTS"), scope="posting", key_func=_member_key, methods=["POST"])
flagging = limiter.limit(_setting("LIMIT_FLAGS"), key_func=_member_key, methods=["POST"], scope="flagging")
login_per_ip = limiter.limit(_setting("LIMIT_LOGIN_IP"), key_func=get_remote_address, methods=["POST"],
                             scope="login-ip")
login_per_account = limiter.limit(_setting("LIMIT_LOGIN_ACCOUNT"), key_func=_login_account_key,
                                  methods=["POST"], scope="login-account")
