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
        FLAG_HIDE_THRESHOLD=3,
        LIMIT_POSTS="6 per minute;60 per hour",
        LIMIT_FLAGS="20 per hour",
        LIMIT_LOGIN_IP="10 per 15 minutes",
        LIMIT_LOGIN_ACCOUNT="10 per 15 minutes",
        NEW_ACCOUNT_HOURS=24,
        NEW_ACCOUNT_MAX_LINKS=2,
        MOD_QUEUE_PER_PAGE=20,
        MOD_LOG_PER_PAGE=50,
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
}
