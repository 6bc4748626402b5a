"""Concurrency soak: many clients over real HTTP against gunicorn, then an audit.

    python bench/soak.py [--clients 20] [--duration 30] [--workers 2] [--database-url URL]
    python bench/soak.py --outage 3 [--clients 20] [--duration 10]

Each client registers, signs in, and for the duration starts topics, replies to
random posts (its own and others'), votes, flags and reads pages. Afterwards every post a
client was told was created (a redirect to /p/<id>) must be in the database with
the right text, topic and parent; no text may be stored twice; every counter must
match the rows; no response may be a 5xx and no "database is locked" may reach
anyone. Prints the figures and exits 1 on any failure.

`--outage SECONDS`: the soak starts a PostgreSQL cluster of its own (initdb in a
temporary directory, on a free port: never the shared one), stops it (immediate
mode, as a crash would) for SECONDS in the middle of the run and starts it again,
gunicorn running throughout. Clients do what a person does with the 503 page:
send the same form again (same token, same one-time key) a moment later, until
it goes through. Then also: every response while the database was down is the
styled 503 page (errors/unavailable.html) with Retry-After; every 5xx falls in
the outage (and a short recovery after it); requests succeed again after it
without a restart; no reply is lost or stored twice.
"""
import argparse
import http.client
import os
import random
import re
import shutil
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
KEY_RE = re.compile(r'name="form_key" value="([^"]+)"')
# Where a new post's author lands (topic_pages.where_shown): the post's anchor on the
# page that shows it (#p<id> in a thread, #card<id> in a debate's columns), or its own page.
NEW_POST_RE = re.compile(r"#(?:p|card)(\d+)$|^/p/(\d+)$")


def new_post_id(location: str) -> int:
    match = NEW_POST_RE.search(location)
    return int(match.group(1) or match.group(2))
# What the database-down page says (templates/errors/unavailable.html).
UNAVAILABLE_MARK = "is back in a moment"
# After a 503 a client sends the same request again this much later (the page's
# Retry-After says 30 s, which a person would take; the soak is in a hurry).
RETRY_PAUSE = 0.25


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One person in a browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, give_up: float = 0.0):
        self.port = port
        self.give_up = give_up  # monotonic time after which a 503 is not sent again
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []
        self.statuses: list[int] = []
        # (start, end, status, a styled 503 with Retry-After), monotonic times
        self.responses: list[tuple[float, float, int, bool]] = []
        self.bodies_with_lock_errors = 0
        self.taken_after_503 = 0  # forms taken when sent again after a 503

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        at = time.monotonic()
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
        styled = (response.status == 503 and response.getheader("Retry-After") is not None
                  and UNAVAILABLE_MARK in text)
        self.responses.append((at, time.monotonic(), response.status, styled))
        if "database is locked" in text:
            self.bodies_with_lock_errors += 1
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        """`request`, sent again as it was while the answer is a 503 (the database is
        down), as a person would press the page's "Try again" or send the form again."""
        tries = 0
        while True:
            status, headers, text = self.request(method, path, form)
            tries += 1
            if status != 503 or time.monotonic() > self.give_up:
                if method == "POST" and tries > 1 and status < 400:
                    self.taken_after_503 += 1
                return status, headers, text
            time.sleep(RETRY_PAUSE)

    def form(self, path: str) -> tuple[str, str]:
        """The CSRF token and the first form's one-time key ("" if none) on a page."""
        _, _, text = self.send("GET", path)
        match = CSRF_RE.search(text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        key = KEY_RE.search(text)
        return match.group(1) or match.group(2), key.group(1) if key else ""

    def csrf(self, path: str) -> str:
        return self.form(path)[0]


def run_client(client: "Client", n: int, deadline: float, article: str, shared: dict, lock: threading.Lock,
               results: list):
    rng = random.Random(n)
    created = []  # (post_id, topic_id, parent_id or None, text)
    votes = []  # posts this client was told it voted for (or already had)
    sent = 0  # forms sent that make a post or a topic, answered or not
    name = f"soak{n}_{rng.randrange(10**6)}"
    password = "soak password 123"
    token = client.csrf("/auth/register")
    status, headers, _ = client.send("POST", "/auth/register", {
        "csrf_token": token, "username": name, "email": f"{name}@example.org",
        "password": password, "confirm": password})
    if status != 302:  # made before the database went away, but not answered: sign in
        token = client.csrf("/auth/login")
        status, headers, _ = client.send("POST", "/auth/login", {
            "csrf_token": token, "username": name, "password": password})
    if status != 302:
        results.append({"client": n, "error": f"register answered {status}", "client_obj": client, "created": [],
                        "sent": 0})
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
            token, key = client.form(f"/t/new?article={article}")
            sent += 1
            status, headers, _ = client.send("POST", f"/t/new?article={article}", {
                "csrf_token": token, "form_key": key, "title": f"Soak topic {name} {i}", "body": text})
            if status == 302:
                topic_id = int(headers["Location"].rsplit("/", 1)[-1])
                with lock:
                    shared["topics"].append(topic_id)
        elif action < 0.4 or not known:
            topic_id = rng.choice(topics)
            token, key = client.form(f"/t/{topic_id}")
            sent += 1
            status, headers, _ = client.send("POST", f"/t/{topic_id}/reply",
                                             {"csrf_token": token, "form_key": key, "body": text})
            if status == 302:
                post_id = new_post_id(headers["Location"])
                created.append((post_id, topic_id, None, text))
                with lock:
                    shared["posts"].append((post_id, topic_id))
        elif action < 0.8:
            parent_id, topic_id = rng.choice(known)
            token, key = client.form(f"/p/{parent_id}/reply")
            sent += 1
            status, headers, _ = client.send("POST", f"/p/{parent_id}/reply",
                                             {"csrf_token": token, "form_key": key, "body": text})
            if status == 302:
                post_id = new_post_id(headers["Location"])
                created.append((post_id, topic_id, parent_id, text))
                with lock:
                    shared["posts"].append((post_id, topic_id))
        elif action < 0.88 and known:
            post_id, _ = rng.choice(known)
            token = client.csrf(f"/p/{post_id}/flag")
            status, _, _ = client.send("POST", f"/p/{post_id}/vote", {"csrf_token": token})
            if status == 302:
                votes.append(post_id)
        elif action < 0.92 and known:
            post_id, _ = rng.choice(known)
            token = client.csrf(f"/p/{post_id}/flag")
            client.send("POST", f"/p/{post_id}/flag", {"csrf_token": token, "reason": "spam"})
        else:
            path = rng.choice(["/", f"/t/{rng.choice(topics)}", f"/u/{name}"])
            client.send("GET", path)
    results.append({"client": n, "error": None, "client_obj": client, "created": created, "votes": votes,
                    "sent": sent})


def run_client_safely(n: int, port: int, deadline: float, give_up: float, article: str, shared: dict,
                      lock: threading.Lock, results: list):
    """A client whose run raised is a failure the audit reports, not a thread's traceback."""
    client = Client(port, give_up)
    try:
        run_client(client, n, deadline, article, shared, lock, results)
    except Exception as error:  # noqa: BLE001 (any failure of a client is reported)
        results.append({"client": n, "error": f"{type(error).__name__}: {error}", "client_obj": client,
                        "created": [], "sent": 0})


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
        # Stored twice: each text (and topic title) a client sent is its own.
        for kind, query in (("post", "SELECT body_md AS said FROM posts WHERE body_md LIKE 'soak text from %'"),
                            ("topic", "SELECT title AS said FROM topics WHERE title LIKE 'Soak topic %'")):
            for said, count in conn.execute(text(f"SELECT t.said, COUNT(*) FROM ({query}) AS t "
                                                 "GROUP BY t.said HAVING COUNT(*) > 1")):
                problems.append(f"{kind} stored {count} times: {said[:60]!r}")
        flags = conn.execute(text("SELECT COUNT(*) FROM flags")).scalar()
        voted = conn.execute(text("SELECT COUNT(*) FROM votes")).scalar()
        print(f"votes stored    {voted}, flags stored {flags}")
    engine.dispose()
    return problems


class OwnCluster:
    """A PostgreSQL cluster of the soak's own: initdb in a temporary directory, on a
    free port, listening on 127.0.0.1 only. Never the shared cluster. Run as the
    `postgres` account when the soak runs as root (PostgreSQL refuses root)."""

    def __init__(self):
        pg_ctls = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                         key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0)
        if not pg_ctls:
            raise SystemExit("--outage needs PostgreSQL's server programs (/usr/lib/postgresql/*/bin)")
        self.bin = pg_ctls[-1].parent
        self.dir = Path(tempfile.mkdtemp(prefix="soak-pg-"))
        self.data, self.log = self.dir / "data", self.dir / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            import pwd
            account = pwd.getpwnam("postgres")
            os.chown(self.dir, account.pw_uid, account.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.dir)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        # Durable commits as in production (fsync stays on: what was confirmed must
        # survive the stop); the socket in our own directory. After the crash-like
        # stop, one syncfs of the file system instead of an fsync of every file
        # (3 s of the restart, on the development machine).
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=100 "
                   "-c recovery_init_sync_method=syncfs")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: every server process quits at once, as in a crash; what was
        committed comes back by recovery at the next start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text
        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def checkpoint(self, database_url: str) -> None:
        """Write out what setting up made (the schema, the demo), so that recovery after
        the crash-like stop replays only the soak's own writes."""
        from sqlalchemy import create_engine, text
        engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CHECKPOINT"))
        engine.dispose()

    def remove(self) -> None:
        try:
            self.stop("fast")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.dir, ignore_errors=True)


def take_down(cluster: OwnCluster, at: float, seconds: float, window: dict) -> None:
    """At `at` (monotonic), stop the cluster for `seconds`, then start it again;
    `window` gets the moments: down (stop asked), stopped, starting, up."""
    time.sleep(max(0.0, at - time.monotonic()))
    try:
        window["down"] = time.monotonic()
        cluster.stop()
        window["stopped"] = time.monotonic()
        time.sleep(seconds)
        window["starting"] = time.monotonic()
        cluster.start()
        window["up"] = time.monotonic()
    except subprocess.CalledProcessError as error:
        window["error"] = f"{error.cmd[-1]} failed: {error.stderr.decode(errors='replace')[-300:]}"


# After the cluster is up again, the requests that were already waiting on a dead
# connection may still fail: this long (seconds) counts as recovery.
RECOVERY_GRACE = 3.0


def outage_problems(results: list, window: dict) -> tuple[list[str], dict]:
    """What the outage's responses must show, and its figures."""
    if "up" not in window:
        return [f"the outage did not happen as planned: {window.get('error', 'not started')}"], {}
    responses = sorted(r for result in results for r in result["client_obj"].responses)
    problems = []
    during = [r for r in responses if r[0] >= window["stopped"] and r[1] <= window["starting"]]
    unstyled = [r for r in responses if r[2] >= 500 and not r[3]]
    # A request already running when the database went away is answered in the outage too.
    outside = [r for r in responses if r[2] >= 500 and not (window["down"] <= r[1] <= window["up"] + RECOVERY_GRACE)]
    answered_during = [r for r in during if not r[3]]
    recovered = [r for r in responses if r[0] >= window["up"] and r[2] < 500]
    if not during:
        problems.append("no request was answered while the database was down")
    if answered_during:
        problems.append(f"{len(answered_during)} responses while the database was down were not the styled 503 "
                        f"(statuses {sorted({r[2] for r in answered_during})})")
    if unstyled:
        problems.append(f"{len(unstyled)} 5xx responses were not the styled 503 with Retry-After")
    if outside:
        moments = ", ".join(f"{r[1] - window['down']:+.1f}" for r in outside[:5])
        problems.append(f"{len(outside)} 5xx responses outside the outage and its recovery "
                        f"(answered at {moments} s from its start)")
    if not recovered:
        problems.append("no request succeeded after the database came back")
    figures = {
        "during": len(during),
        "during_not_styled": len(answered_during),
        "styled_503": sum(1 for r in responses if r[3]),
        "first_success_after_up": (recovered[0][1] - window["up"]) if recovered else None,
        "after_up_503": sum(1 for r in responses if r[0] >= window["up"] and r[2] >= 500),
    }
    return problems, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--outage", type=float, default=0, metavar="SECONDS",
                        help="on a PostgreSQL cluster the soak starts itself, stop the database this long "
                             "in the middle of the run")
    args = parser.parse_args()
    if args.outage and args.database_url:
        parser.error("--outage starts a PostgreSQL cluster of its own: leave out --database-url")
    if args.outage and args.outage >= args.duration:
        parser.error("--outage must be shorter than --duration")

    tmp = tempfile.mkdtemp(prefix="soak-")
    cluster = OwnCluster() if args.outage else None
    try:
        if cluster is not None:
            cluster.init()
            cluster.start()
            database_url = cluster.create_database("soak")
        else:
            database_url = args.database_url or f"sqlite:///{tmp}/soak.sqlite3"
        return run(args, tmp, database_url, cluster)
    finally:
        if os.environ.get("SOAK_KEEP"):  # to look into the logs afterwards
            print(f"kept: {tmp}{' and ' + str(cluster.dir) if cluster else ''}")
            if cluster is not None:
                cluster.stop("fast")
        else:
            if cluster is not None:
                cluster.remove()
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: str, database_url: str, cluster: OwnCluster | None) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app", "SECRET_KEY": "soak",
           "FLASK_RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    flask = [sys.executable, "-m", "flask"]
    if args.database_url:  # start from an empty schema
        subprocess.run(flask + ["db", "downgrade", "base"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    if cluster is not None:
        cluster.checkpoint(database_url)

    port = free_port()
    server_log = Path(tmp) / "gunicorn.log"
    with open(server_log, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--threads", str(args.threads),
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
            cwd=ROOT, env=env, stderr=log)
    window: dict = {}
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
        started = time.monotonic()
        deadline = started + args.duration
        # A form refused by a 503 is sent again until then (the database is back long before).
        give_up = deadline + args.outage + 30
        threads = [threading.Thread(target=run_client_safely,
                                    args=(n, port, deadline, give_up, article, shared, lock, results))
                   for n in range(args.clients)]
        if cluster is not None:  # the outage, in the middle of the run
            threads.append(threading.Thread(target=take_down, args=(
                cluster, started + (args.duration - args.outage) / 2, args.outage, window)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        still_serving = server.poll() is None  # the same gunicorn, never restarted
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = sorted(l for r in results for l in r["client_obj"].latencies)
    statuses = [s for r in results for s in r["client_obj"].statuses]
    created = sum(len(r["created"]) for r in results)
    sent = sum(r["sent"] for r in results)
    errors = [r["error"] for r in results if r["error"]]
    server_errors = sum(1 for s in statuses if s >= 500)
    locked = sum(r["client_obj"].bodies_with_lock_errors for r in results)
    problems = audit(database_url, results)
    logged = server_log.read_text(errors="replace")
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0
    print(f"database        {database_url.split('://')[0]}{' (its own cluster)' if cluster else ''}")
    print(f"clients         {args.clients} over {elapsed:.1f} s, gunicorn {args.workers} workers x {args.threads} threads")
    print(f"requests        {len(statuses)} ({len(statuses) / elapsed:.0f}/s)")
    print(f"posts created   {created} (of {sent} forms sent that make a post or a topic)")
    print(f"latency         p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, mean {statistics.fmean(latencies) * 1000 if latencies else 0:.1f} ms")
    print(f"5xx responses   {server_errors}")
    print(f"'database is locked' seen by a client: {locked}")
    print(f"client errors   {len(errors)} {errors[:3]}")
    tracebacks = logged.count("Traceback")
    if cluster is not None:
        outage, figures = outage_problems(results, window)
        problems += outage
        if not still_serving:
            problems.append("gunicorn was no longer running after the outage")
        if tracebacks:
            problems.append(f"{tracebacks} tracebacks in gunicorn's log")
        if figures:
            first = figures["first_success_after_up"]
            print(f"outage          database down {window['up'] - window['down']:.1f} s (stopping "
                  f"{window['stopped'] - window['down']:.1f} s, stopped "
                  f"{window['starting'] - window['stopped']:.1f} s, starting {window['up'] - window['starting']:.1f} s); "
                  "gunicorn "
                  f"{'still the same process' if still_serving else 'GONE'}")
            print(f"while down      {figures['during']} responses, {figures['during_not_styled']} of them not the "
                  f"styled 503 with Retry-After")
            print(f"styled 503s     {figures['styled_503']} in all, {figures['after_up_503']} after the database "
                  f"was up again")
            print(f"recovery        first success {first * 1000:.0f} ms after the database was up" if first is not None
                  else "recovery        none")
            print(f"sent again      {sum(r['client_obj'].taken_after_503 for r in results)} forms taken when sent "
                  f"again (same token, same one-time key) after a 503")
        print(f"server log      {logged.count('database unavailable')} 'database unavailable' lines, "
              f"{tracebacks} tracebacks")
    print(f"audit problems  {len(problems)} {problems[:5]}")
    if tracebacks:  # the first, to see what went wrong
        start = logged.index("Traceback")
        print("first traceback in gunicorn's log:\n" + "\n".join(logged[start:].splitlines()[:60]))
    ok = not (locked or errors or problems) and created > 0 and (cluster is not None or not server_errors)
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
