"""Configuration from the environment.

`DATABASE_URL`, `SECRET_KEY` and `REDIS_URL` are read here; any other Flask or
extension setting can be given as a `FLASK_`-prefixed variable (for example
`FLASK_RATELIMIT_ENABLED=false`), applied by `app.config.from_prefixed_env()`.
"""
import os
import secrets
from pathlib import Path


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'counterpoint.sqlite3'}"
    # Accept the short spellings hosting providers hand out, and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once per instance."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


# Trust and flags (forum/domain/trust.py); each can be set as FLASK_<NAME> (JSON for the lists).
TRUST_SETTINGS = {
    # What each trust level past 0 (new) needs, all of it: days since joining, reading
    # (quality votes cast and stance polls answered), public posts, ∆ received, and
    # flags a moderator upheld. Levels 1, 2, 3: basic, member, regular.
    "TRUST_LEVELS": [
        {"days": 1, "reads": 3, "posts": 1, "deltas": 0, "flags_upheld": 0},
        {"days": 14, "reads": 30, "posts": 10, "deltas": 0, "flags_upheld": 0},
        {"days": 60, "reads": 100, "posts": 40, "deltas": 3, "flags_upheld": 1},
    ],
    "FLAG_WEIGHTS": [0.5, 1.0, 1.5, 2.0, 3.0],  # what a flag weighs at each level; the last: staff
    "FLAG_UPHELD_BONUS": 0.25,  # added per flag of the member's that a moderator upheld...
    "FLAG_UPHELD_BONUS_MAX": 1.0,  # ...up to this
    "FLAG_DISMISSED_PENALTY": 0.5,  # taken off per flag of theirs a moderator dismissed
    "FLAG_HIDE_THRESHOLD": 3,  # the weighted score of open flags that hides a post pending review
    "FLAG_NEW_ACCOUNTS_SCORE_MAX": 1.0,  # what the flags of new (level 0) accounts add, all together
    "SAME_ADDRESS_HOURS": 24,  # accounts registered from one address this close: shown to moderators
}


# Mail (forum/domain/mail.py); each can be set as FLASK_<NAME>. Without MAIL_HOST
# nothing is sent: messages are written as .eml files under MAIL_DIR (the demo).
MAIL_SETTINGS = {
    "MAIL_HOST": None,
    "MAIL_PORT": 587,
    "MAIL_SECURITY": "starttls",  # "starttls" (port 587), "tls" (implicit TLS, port 465) or "none"
    "MAIL_USER": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "Counterpoint <noreply@localhost>",
    "MAIL_DIR": None,  # default: instance/mail
    "MAIL_TIMEOUT": 30,  # seconds for the SMTP server to answer
    "MAIL_BATCH": 50,  # messages a worker takes at a time
    "MAIL_LEASE_SECONDS": 600,  # how long a taken message is the worker's alone
    "MAIL_RETRY_SECONDS": 30,  # first wait after a failure, doubled each time...
    "MAIL_RETRY_MAX_SECONDS": 3600,  # ...up to this
    "MAIL_GIVE_UP_HOURS": 72,  # a message not delivered by then is marked failed
    "MAIL_KEEP_DAYS": 30,  # sent, failed and void messages are deleted after this
    "MAIL_POLL_SECONDS": 5,  # `flask mail run` looks for new mail this often
}


def load(app) -> None:
    """Fill app.config with the defaults, then the environment on top."""
    redis_url = os.environ.get("REDIS_URL")
    app.config.update(
        SECRET_KEY=_secret_key(app.instance_path),
        SQLALCHEMY_DATABASE_URI=_database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        REDIS_URL=redis_url,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session's life: long posts take time
        MAX_CONTENT_LENGTH=1024 * 1024,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=redis_url or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        POSTS_PER_PAGE=20,
        THREAD_DEPTH_LIMIT=8,
        REPLIES_PER_PAGE=100,  # replies shown under a page of top-level posts; the rest a link away
        SHARED_COPY_SECONDS=30,  # guests share rendered pages, members parts of reply trees, this long (0: off)
        SITE_NAME="Counterpoint",
        CENTRAL_QUESTION="How do we balance innovation with intellectual property?",
        # Moderation and limits (any of them: FLASK_<NAME>=... in the environment)
        **TRUST_SETTINGS,
        LIMIT_POSTS="6 per minute;60 per hour",
        LIMIT_FLAGS="20 per hour",
        # Failed sign-ins only (a wrong password), per address and per account name.
        LIMIT_LOGIN_IP="30 per 15 minutes",
        LIMIT_LOGIN_ACCOUNT="10 per 15 minutes",
        # Accounts made per address: a class of 40 signing up together gets in.
        LIMIT_REGISTER_IP="60 per hour;300 per day",
        # How many reverse proxies in front set X-Forwarded-For/-Proto (0: none, the
        # headers are ignored and the peer's address is the client's).
        TRUSTED_PROXIES=0,
        NEW_ACCOUNT_HOURS=24,
        NEW_ACCOUNT_MAX_LINKS=2,
        MOD_QUEUE_PER_PAGE=20,
        MOD_LOG_PER_PAGE=50,
        # Where links in mail point (never the request's Host header, which anyone can set).
        SITE_URL="http://127.0.0.1:5000",
        # Password resets asked for per address, and mailed per account (a spent
        # allowance sends nothing and answers the same: forum/web/limits.py).
        LIMIT_RESET_IP="20 per hour",
        LIMIT_RESET_ACCOUNT="3 per hour;10 per day",
        # Addresses (forum/domain/addresses.py): FLASK_REQUIRE_VERIFIED_EMAIL=true makes
        # members confirm their address before posting; a confirmation link works this
        # long; confirmation mails (a change of address, "resend") per member.
        REQUIRE_VERIFIED_EMAIL=False,
        EMAIL_CONFIRM_HOURS=72,
        LIMIT_ADDRESS_MAIL="5 per hour;20 per day",
        # Class accounts' one-time sign-in codes work this many days (domain/class_accounts.py).
        CLASS_CODE_DAYS=14,
        **MAIL_SETTINGS,
    )
    app.config.from_prefixed_env()
    if os.environ.get("FORUM_HTTPS") == "1":
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          PREFERRED_URL_SCHEME="https")


TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SECRET_KEY": "test-secret",
    "SHARED_COPY_SECONDS": 0,  # tests/test_shared_copies.py turns it on
    # The factories' accounts are a minute old: here they count as basic members (a
    # flag weighs 1), as every member did before trust levels; tests of trust itself
    # put TRUST_SETTINGS back (tests/test_trust.py).
    "TRUST_LEVELS": [{"days": 0}, *TRUST_SETTINGS["TRUST_LEVELS"][1:]],
}
