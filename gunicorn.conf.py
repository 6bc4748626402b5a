"""gunicorn settings for Counterpoint: `gunicorn -c gunicorn.conf.py app:app`.

Meant to sit behind a reverse proxy (nginx, Caddy) that terminates TLS, gzips
and buffers slow clients, which is what lets plain sync workers serve well.
Every setting can be overridden on the command line (bench/pages.py does).
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one request each: pages are CPU-bound (Jinja, SQLAlchemy), so
# about one worker per core, plus one; WEB_CONCURRENCY as on most hosts.
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request that has not answered in 30 s is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 30
# Only used by threaded workers; the proxy keeps its own connections alive.
keepalive = 5
# Recycle workers now and then so slow leaks (ours or a library's) cannot grow
# without bound; the jitter keeps them from all restarting together. Rarely: a
# new worker starts cold (no prepared statements, no shared copies of its own,
# SQLAlchemy's statement cache empty), and at 5,000 a busy worker restarted every
# 15-20 s, which cost the moderation queue a fifth of its throughput and tripled
# p99s in bench/pages.py. A worker's memory levels off at about 110 MB (measured
# after 40,000 requests of the whole benchmark without any restart).
max_requests = 100_000
max_requests_jitter = 10_000
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # "-" for stdout; off by default
errorlog = "-"

# preload_app: the app is imported and built once in the master, then forked.
# Workers start faster, share the imported code's memory pages, and an import
# error stops the server at once instead of looping worker restarts. The cost:
# new code needs a full restart (not a HUP), and anything opened before the fork
# must not be shared, hence post_fork below.
preload_app = True


def post_fork(server, worker):
    """Each worker drops any database connection inherited from the master."""
    app = server.app.wsgi()
    if "sqlalchemy" in getattr(app, "extensions", {}):
        from forum.extensions import db
        with app.app_context():
            db.engine.dispose(close=False)
