"""Concurrency soak: many clients over real HTTP against gunicorn, then an audit.

    python bench/soak.py [--clients 20] [--duration 30] [--workers 2] [--database-url URL]

Each client registers, signs in, and for the duration starts topics, replies to
random posts (its own and others'), votes, flags and reads pages. Afterwards every post a
client was told was created (a redirect to /p/<id>) must be in the database with
the right text, topic and parent; every counter must match the rows; no
response may be a 5xx and no "database is locked" may reach anyone. Prints the
figures and exits 1 on any failure.
"""
import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
POST_RE = re.compile(r"/p/(\d+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One person in a browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        self.bodies_with_lock_errors = 0

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        self.latencies.append(time.perf_counter() - started)
        self.statuses.append(response.status)
        if "database is locked" in text:
            self.bodies_with_lock_errors += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def csrf(self, path: str) -> str:
        _, _, text = self.request("GET", path)
        match = CSRF_RE.search(text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1) or match.group(2)


def run_client(n: int, port: int, deadline: float, article: str, shared: dict, lock: threading.Lock,
               results: list):
    rng = random.Random(n)
    client = Client(port)
    created = []  # (post_id, topic_id, parent_id or None, text)
    votes = []  # posts this client was told it voted for (or already had)
    name = f"soak{n}_{rng.randrange(10**6)}"
    password = "soak password 123"
    token = client.csrf("/auth/register")
    status, headers, _ = client.request("POST", "/auth/register", {
        "csrf_token": token, "username": name, "email": f"{name}@example.org",
        "password": password, "confirm": password})
    if status != 302:
        results.append({"client": n, "error": f"register answered {status}", "client_obj": client, "created": []})
        return
    i = 0
    while time.monotonic() < deadline:
        i += 1
        action = rng.random()
        with lock:
            known = list(shared["posts"])
            topics = list(shared["topics"])
        text = f"soak text from {name} number {i}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randrange(5, 40)))
        if action < 0.1 or not topics:
            token = client.csrf(f"/t/new?article={article}")
            status, headers, _ = client.request("POST", f"/t/new?article={article}", {
                "csrf_token": token, "title": f"Soak topic {name} {i}", "body": text})
            if status == 302:
                topic_id = int(headers["Location"].rsplit("/", 1)[-1])
                with lock:
                    shared["topics"].append(topic_id)
        elif action < 0.4 or not known:
            topic_id = rng.choice(topics)
            token = client.csrf(f"/t/{topic_id}")
            status, headers, _ = client.request("POST", f"/t/{topic_id}/reply", {"csrf_token": token, "body": text})
            if status == 302:
                post_id = int(POST_RE.search(headers["Location"]).group(1))
                created.append((post_id, topic_id, None, text))
                with lock:
                    shared["posts"].append((post_id, topic_id))
        elif action < 0.8:
            parent_id, topic_id = rng.choice(known)
            token = client.csrf(f"/p/{parent_id}/reply")
            status, headers, _ = client.request("POST", f"/p/{parent_id}/reply", {"csrf_token": token, "body": text})
            if status == 302:
                post_id = int(POST_RE.search(headers["Location"]).group(1))
                created.append((post_id, topic_id, parent_id, text))
                with lock:
                    shared["posts"].append((post_id, topic_id))
        elif action < 0.88 and known:
            post_id, _ = rng.choice(known)
            token = client.csrf(f"/p/{post_id}/flag")
            status, _, _ = client.request("POST", f"/p/{post_id}/vote", {"csrf_token": token})
            if status == 302:
                votes.append(post_id)
        elif action < 0.92 and known:
            post_id, _ = rng.choice(known)
            token = client.csrf(f"/p/{post_id}/flag")
            client.request("POST", f"/p/{post_id}/flag", {"csrf_token": token, "reason": "spam"})
        else:
            path = rng.choice(["/", f"/t/{rng.choice(topics)}", f"/u/{name}"])
            client.request("GET", path)
    results.append({"client": n, "error": None, "client_obj": client, "created": created, "votes": votes})


WORDS = ("artists testers consent compensation innovation property licence training model video "
         "leak protest open letter fair use policy safety research creators studio access").split()


def audit(database_url: str, results: list) -> list[str]:
    from sqlalchemy import create_engine, text
    problems = []
    engine = create_engine(database_url)
    with engine.connect() as conn:
        posts = {row.id: row for row in conn.execute(text("SELECT id, topic_id, parent_id, body_md FROM posts"))}
        for result in results:
            for post_id, topic_id, parent_id, body in result["created"]:
                row = posts.get(post_id)
                if row is None:
                    problems.append(f"post {post_id} was confirmed but is missing")
                elif (row.topic_id, row.parent_id, row.body_md) != (topic_id, parent_id, body):
                    problems.append(f"post {post_id} differs from what was sent")
        for row in conn.execute(text(
                "SELECT t.id, t.post_count, t.root_count, "
                "(SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id) AS n, "
                "(SELECT COUNT(*) FROM posts p WHERE p.topic_id = t.id AND p.parent_id IS NULL) AS roots "
                "FROM topics t")):
            if (row.post_count, row.root_count) != (row.n, row.roots):
                problems.append(f"topic {row.id}: counters {row.post_count}/{row.root_count}, rows {row.n}/{row.roots}")
        for row in conn.execute(text(
                "SELECT p.id, p.reply_count, (SELECT COUNT(*) FROM posts c WHERE c.parent_id = p.id) AS n, "
                "p.vote_count, (SELECT COUNT(*) FROM votes v WHERE v.post_id = p.id) AS v "
                "FROM posts p")):
            if row.reply_count != row.n:
                problems.append(f"post {row.id}: reply_count {row.reply_count}, rows {row.n}")
            if row.vote_count != row.v:
                problems.append(f"post {row.id}: vote_count {row.vote_count}, votes {row.v}")
        flags = conn.execute(text("SELECT COUNT(*) FROM flags")).scalar()
        voted = conn.execute(text("SELECT COUNT(*) FROM votes")).scalar()
        print(f"votes stored    {voted}, flags stored {flags}")
    engine.dispose()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="soak-")
    database_url = args.database_url or f"sqlite:///{tmp}/soak.sqlite3"
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app", "SECRET_KEY": "soak",
           "FLASK_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    flask = [sys.executable, "-m", "flask"]
    if args.database_url:  # start from an empty schema
        subprocess.run(flask + ["db", "downgrade", "base"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
        cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        shared = {"posts": [], "topics": []}
        probe = Client(port)
        _, _, home = probe.request("GET", "/")
        shared["topics"] = [int(t) for t in set(re.findall(r'href="/t/(\d+)"', home))]
        article = re.search(r'/t/new\?article=([a-z0-9-]+)', home).group(1)
        lock = threading.Lock()
        results: list = []
        deadline = time.monotonic() + args.duration
        threads = [threading.Thread(target=run_client, args=(n, port, deadline, article, shared, lock, results))
                   for n in range(args.clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = sorted(l for r in results for l in r["client_obj"].latencies)
    statuses = [s for r in results for s in r["client_obj"].statuses]
    created = sum(len(r["created"]) for r in results)
    errors = [r["error"] for r in results if r["error"]]
    server_errors = sum(1 for s in statuses if s >= 500)
    locked = sum(r["client_obj"].bodies_with_lock_errors for r in results)
    problems = audit(database_url, results)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
    print(f"database        {database_url.split('://')[0]}")
    print(f"clients         {args.clients} over {elapsed:.1f} s, gunicorn {args.workers} workers x {args.threads} threads")
    print(f"requests        {len(statuses)} ({len(statuses) / elapsed:.0f}/s)")
    print(f"posts created   {created}")
    print(f"latency         p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, mean {statistics.fmean(latencies) * 1000 if latencies else 0:.1f} ms")
    print(f"5xx responses   {server_errors}")
    print(f"'database is locked' seen by a client: {locked}")
    print(f"client errors   {len(errors)} {errors[:3]}")
    print(f"audit problems  {len(problems)} {problems[:5]}")
    ok = not (server_errors or locked or errors or problems) and created > 0
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
