"""Page benchmark: the forum under gunicorn against a bare-Flask ceiling page.

    .venv/bin/python bench/pages.py                 # SQLite, 100,000 posts (bench/out/)
    .venv/bin/python bench/pages.py --reuse         # keep the database built last time
    .venv/bin/python bench/pages.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench_perf
    .venv/bin/python bench/pages.py --workers 1,2,4 --database-url ...   # scaling, read pages
    .venv/bin/python bench/pages.py --quick         # CI: tiny data, ~2 s a page, checks only

It builds (or reuses) a database with `flask seed-bench`, starts the forum and
the ceiling app (bench/ceiling_app.py) under gunicorn.conf.py on free ports,
and drives them with its own closed-loop client: `--concurrency` threads, each
with an http.client keep-alive connection, sending the next request as soon
as the last one is answered. Pages are measured interleaved: every round gives
each page a slice of `--duration`, so drift on the machine hits them all alike.

Per page it prints requests/s, p50 and p99 latency, bytes, SQL queries per
request (the app's X-Query-Count header, on only under BENCH_QUERY_COUNT=1) and
the ratio to the ceiling page's requests/s; then each worker's resident memory.
`--quick` exits 1 on any response that is not 2xx/3xx or any page above 10
queries, never on a timing.
"""
import argparse
import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
MAX_QUERIES = 10
# Query strings never asked for before, in this run or an earlier one (shared copies
# in Redis outlive a run): "rendered" pages must never be served from a copy.
FRESH_RUN, FRESH = time.time_ns(), itertools.count()  # count's next() is atomic: threads share it
BENCH_PASSWORD = "bench-password"  # forum.seed.bench.BENCH_PASSWORD
# One session per role, shared by the client threads: sessions are signed cookies.
LOGINS = {"member": "bench0010", "moderator": "bench0001", "instructor": "bench0002",
          "student": "bench0003"}  # a student of the bench class (forum.seed.bench.class_students)


@dataclass
class Page:
    name: str
    path: str                   # formatted with the landmarks below
    method: str = "GET"
    login: str | None = None    # a role from LOGINS or a landmark's username: measured signed in
    server: str = "app"         # or "ceiling"
    revalidate: bool = False    # send the page's own ETag back (If-None-Match)
    optional: bool = False      # skipped with a note while the page does not exist (404)
    read: bool = True
    fresh: bool = False         # a new query string each request: never the guests' shared copy


# One line per page. Pages of areas still being built are optional: skipped
# with a note when they answer 404 or their landmark is not in the data yet.
# Guests share a rendered copy of a public topic page, of the home page, of
# profiles and of search results (forum/caching.py): the plain guest lines
# measure that; "rendered" lines never hit it.
PAGES = [
    Page("ceiling (bare Flask)", "/", server="ceiling"),
    Page("home", "/"),
    Page("topic: 10k discussion", "/t/{big_discussion}"),
    Page("topic: 10k discussion, rendered", "/t/{big_discussion}", fresh=True),
    Page("topic: 10k debate (thread)", "/t/{big_debate}?view=thread"),
    Page("topic: 10k discussion, 304", "/t/{big_discussion}", revalidate=True),
    Page("permalink 40 deep", "/p/{deep_post}"),
    Page("profile", "/u/{profile}"),
    Page("profile, rendered", "/u/{profile}", fresh=True),
    Page("topic, signed in, a reader", "/t/{big_discussion}", login="reader"),
    Page("topic, signed in, wrote on it", "/t/{big_discussion}", login="writer"),
    Page("debate columns", "/t/{big_debate}"),
    Page("debate argument, most answers", "/p/{busy_argument}"),
    Page("search", "/search?q=licence+consent", optional=True),
    Page("search, rendered", "/search?q=licence+consent", optional=True, fresh=True),
    Page("moderation queue", "/mod", login="moderator"),
    Page("class dashboard", "/classes/{bench_class}/debates/{class_debate}/dashboard", login="instructor"),
    Page("class debate, as a student", "/t/{class_debate}", login="student"),
    Page("reply POST", "/t/{reply_topic}/reply", method="POST", login="member", read=False),
]


# --- database ----------------------------------------------------------------

def forum_app(url: str):
    """The forum in this process, on the bench database (to build it and size the ceiling)."""
    sys.path.insert(0, str(ROOT))
    from forum import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})


def build_database(args) -> str:
    if args.database_url:
        url = args.database_url
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{OUT / f'bench-{args.posts}-{args.seed}.sqlite3'}"
    if args.reuse and _has_posts(url):
        print(f"Reusing {url}")
        return url
    print(f"Building {url}: {args.posts:,} posts, seed {args.seed}")
    _empty(url)
    started = time.perf_counter()
    import flask_migrate

    from forum.extensions import db
    from forum.seed import bench as benchdata
    with forum_app(url).app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        state = benchdata.seed_bench(args.posts, args.seed)
        db.session.commit()
        benchdata.vacuum()
        db.engine.dispose()
    print(f"Built in {time.perf_counter() - started:.1f} s: "
          + ", ".join(f"{n:,} {table}" for table, n in state.rows.items()))
    return url


def _has_posts(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT COUNT(*) FROM posts")))
    except Exception:
        return False
    finally:
        engine.dispose()


def _empty(url: str) -> None:
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


_FIRST_ROOTS = ("SELECT id FROM posts WHERE parent_id IS NULL AND topic_id = (SELECT id FROM topics "
                "WHERE kind = 'discussion' ORDER BY post_count DESC, id LIMIT 1) ORDER BY created_at, id LIMIT 20")


def landmarks(url: str) -> dict:
    """The ids and names the pages need, found in the data."""
    queries = {
        "big_discussion": "SELECT id FROM topics WHERE kind = 'discussion' ORDER BY post_count DESC, id LIMIT 1",
        "big_debate": "SELECT id FROM topics WHERE kind = 'debate' ORDER BY post_count DESC, id LIMIT 1",
        "deep_post": "SELECT p.id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE t.class_id IS NULL "
                     "ORDER BY p.depth DESC, p.id LIMIT 1",
        # The big debate's argument with the most answers (its columns, one level down).
        "busy_argument": "SELECT id FROM posts WHERE topic_id = (SELECT id FROM topics WHERE kind = 'debate' "
                         "ORDER BY post_count DESC, id LIMIT 1) ORDER BY reply_count DESC, id LIMIT 1",
        "profile": "SELECT u.username FROM users u JOIN posts p ON p.author_id = u.id "
                   "GROUP BY u.username ORDER BY COUNT(*) DESC, u.username LIMIT 1",
        "reply_topic": "SELECT id FROM topics ORDER BY post_count, id LIMIT 1",
        "bench_class": "SELECT id FROM classrooms ORDER BY id LIMIT 1",
        "class_debate": "SELECT topic_id FROM class_debates ORDER BY topic_id LIMIT 1",
        # Two members on the big discussion's first page (forum/caching.py): one who
        # wrote one of its top-level posts gets a tree rendered for them; a reader who
        # wrote nothing there and mutes no one gets the tree plain readers share.
        "writer": f"SELECT u.username FROM posts p JOIN users u ON u.id = p.author_id "
                  f"WHERE p.id IN ({_FIRST_ROOTS}) AND u.role = 'member' ORDER BY p.id LIMIT 1",
        "reader": f"SELECT u.username FROM users u WHERE u.role = 'member' AND u.suspended_until IS NULL "
                  f"AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = u.id) "
                  f"AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.author_id = u.id "
                  f"AND (p.id IN ({_FIRST_ROOTS}) OR p.root_id IN ({_FIRST_ROOTS}))) ORDER BY u.id LIMIT 1",
    }
    found = {}
    engine = create_engine(url)
    for key, sql in queries.items():
        try:
            with engine.connect() as conn:
                value = conn.scalar(text(sql))
        except Exception:  # a table another area has not added yet
            value = None
        if value is not None:
            found[key] = value
    engine.dispose()
    return found


# --- servers -------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def worker_rss_mb(self) -> list[float]:
        pids = [int(p) for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                .read_text().split()]
        sizes = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(module: str, workers: int, threads: int, env: dict, chdir: Path = ROOT) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(chdir),
         "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads", str(threads),
         "--log-level", "warning", module],
        cwd=chdir, env={**os.environ, **env})
    return Server(process, port)


def wait_until_up(server: Server, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(server.port, path)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.process.returncode}")
    server.stop()
    raise SystemExit(f"gunicorn on port {server.port} did not answer {path} within 60 s")


def fetch(port: int, path: str, method: str = "GET", body: str | None = None,
          headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body, headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


# --- sessions ------------------------------------------------------------------

@dataclass
class Session:
    cookie: str = ""
    csrf: str = ""

    def remember(self, headers: http.client.HTTPMessage) -> None:
        jar = dict(part.split("=", 1) for part in self.cookie.split("; ") if part)
        for header in headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            jar[name] = value
        self.cookie = "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, username: str) -> Session:
    session = Session()
    status, headers, page = fetch(port, "/auth/login")
    session.remember(headers)
    session.csrf = re.search(rb'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1).decode()
    form = urlencode({"username": username, "password": BENCH_PASSWORD, "csrf_token": session.csrf})
    status, headers, _ = fetch(port, "/auth/login", "POST", form, {
        "Cookie": session.cookie, "Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise SystemExit(f"Signing in {username} failed with {status}")
    session.remember(headers)
    # Signing in renews the form token's secret: take a token of the signed-in session.
    status, headers, page = fetch(port, "/settings", headers={"Cookie": session.cookie})
    session.remember(headers)
    session.csrf = re.search(rb'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1).decode()
    return session


# --- the closed-loop client ------------------------------------------------------

@dataclass
class Stats:
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    bytes: int = 0
    queries: int = 0
    errors: list[str] = field(default_factory=list)

    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    def bad(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 400)


@dataclass
class Target:
    page: Page
    port: int
    path: str
    sessions: list[Session | None]
    etag: str | None = None


def _drive(target: Target, index: int, deadline: float, stats: Stats, lock: threading.Lock,
           record: bool) -> None:
    session = target.sessions[index]
    conn = http.client.HTTPConnection(HOST, target.port, timeout=30)
    latencies, statuses, size, queries, errors, n = [], {}, 0, 0, [], 0
    while time.perf_counter() < deadline:
        headers, body = {}, None
        if session is not None:
            headers["Cookie"] = session.cookie
        if target.etag:
            headers["If-None-Match"] = target.etag
        if target.page.method == "POST":
            n += 1
            body = urlencode({"body": f"Bench reply {index}.{n}: consent and credit both matter here.",
                              "stance": "pro", "csrf_token": session.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = target.path
        if target.page.fresh:
            path += f"{'&' if '?' in path else '?'}fresh={FRESH_RUN}.{next(FRESH)}"
        started = time.perf_counter()
        try:
            conn.request(target.page.method, path, body, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__}: {error}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, target.port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        size = len(data)
        queries = max(queries, int(response.getheader("X-Query-Count") or 0))
    conn.close()
    with lock:
        # A failure counts even in the warm-up (a race shows on the first requests);
        # only the timings wait for it to end.
        for status, count in statuses.items():
            stats.statuses[status] = stats.statuses.get(status, 0) + count
        stats.errors += errors
        if record:
            stats.latencies += latencies
            stats.bytes = max(stats.bytes, size)
            stats.queries = max(stats.queries, queries)


def run_slice(target: Target, seconds: float, concurrency: int, stats: Stats, record: bool = True) -> None:
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [threading.Thread(target=_drive, args=(target, i, deadline, stats, lock, record))
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if record:
        stats.seconds += time.perf_counter() - started


# --- one run: servers up, pages measured round-robin -------------------------------

def prepare(pages: list[Page], marks: dict, app: Server, ceiling: Server,
            concurrency: int) -> tuple[list[Target], list[str]]:
    targets, notes, signed_in = [], [], {}
    for page in pages:
        try:
            path = page.path.format(**marks)
        except KeyError as missing:
            notes.append(f"{page.name}: skipped, no {missing.args[0]} in the bench data yet")
            continue
        port = ceiling.port if page.server == "ceiling" else app.port
        sessions: list[Session | None] = [None] * concurrency
        if page.login:
            username = LOGINS.get(page.login) or marks.get(page.login)
            if username is None:
                notes.append(f"{page.name}: skipped, no {page.login} in the bench data")
                continue
            if page.login not in signed_in:
                signed_in[page.login] = sign_in(app.port, username)
            sessions = [signed_in[page.login]] * concurrency
        target = Target(page, port, path, sessions)
        if page.method == "GET":
            headers = {"Cookie": sessions[0].cookie} if sessions[0] else {}
            status, response_headers, _ = fetch(port, path, headers=headers)
            if status == 404 and page.optional:
                notes.append(f"{page.name}: skipped, {path} answers 404 (not built yet)")
                continue
            if page.revalidate:
                target.etag = response_headers.get("ETag")
        targets.append(target)
    return targets, notes


def measure(targets: list[Target], args, url: str) -> dict[str, Stats]:
    results = {t.page.name: Stats() for t in targets}
    for target in targets:
        run_slice(target, args.warmup, args.concurrency, results[target.page.name], record=False)
    for _ in range(args.rounds):
        for target in targets:
            run_slice(target, args.duration / args.rounds, args.concurrency, results[target.page.name])
        stand_in_for_autovacuum(url, "VACUUM topics, users")
    return results


def stand_in_for_autovacuum(url: str, command: str = "VACUUM ANALYZE") -> bool:
    """On a PostgreSQL server whose autovacuum is off (this machine's, set up for CI),
    vacuum as it would: every reply rewrites its topic's and its author's rows, and
    without a vacuum their dead versions pile up across runs (15,000 of the topics'
    after a few runs: `public_version` read 1,000 pages, and guests' copies of the
    home page fell from 0.97 to 0.69 of the ceiling). True if it had to."""
    if not url.startswith("postgresql"):
        return False
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SHOW autovacuum")) == "on":
                return False
            conn.execute(text(command))
            return True
    finally:
        engine.dispose()


def topic_bytes(url: str, path: str) -> int:
    """The size of the topic page a guest gets: the ceiling page is made as big."""
    from forum.extensions import db
    app = forum_app(url)
    with app.app_context():
        size = len(app.test_client().get(path).data)
        db.engine.dispose()
    return size


def start_servers(url: str, workers: int, threads: int, ceiling_bytes: int) -> tuple[Server, Server]:
    env = {"DATABASE_URL": url, "FLASK_RATELIMIT_ENABLED": "false", "BENCH_QUERY_COUNT": "1",
           "SECRET_KEY": "bench-secret-key"}
    app = start_server("app:app", workers, threads, env)
    ceiling = start_server("ceiling_app:app", workers, threads, {"CEILING_BYTES": str(ceiling_bytes)},
                           chdir=ROOT / "bench")
    wait_until_up(app, "/healthz")
    wait_until_up(ceiling, "/")
    return app, ceiling


def report(results: dict[str, Stats], title: str) -> None:
    ceiling = results.get(PAGES[0].name)
    print(f"\n{title}\n")
    print("| page | req/s | p50 ms | p99 ms | bytes | queries | ratio to ceiling | non-2xx/3xx |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, stats in results.items():
        ratio = stats.rate() / ceiling.rate() if ceiling and ceiling.rate() else 0.0
        queries = "–" if name == PAGES[0].name else str(stats.queries)
        print(f"| {name} | {stats.rate():,.0f} | {stats.percentile(0.5):.1f} | {stats.percentile(0.99):.1f} "
              f"| {stats.bytes:,} | {queries} | {ratio:.2f} | {stats.bad()} |")


def check(results: dict[str, Stats]) -> list[str]:
    problems = []
    for name, stats in results.items():
        if stats.bad() or stats.errors:
            problems.append(f"{name}: statuses {stats.statuses}, errors {stats.errors[:3]}")
        if not stats.latencies:
            problems.append(f"{name}: no response at all")
        if stats.queries > MAX_QUERIES:
            problems.append(f"{name}: {stats.queries} queries per request (limit {MAX_QUERIES})")
    return problems


def run(url: str, marks: dict, workers: int, args, pages: list[Page]) -> dict[str, Stats]:
    app, ceiling = start_servers(url, workers, args.threads, args.ceiling_bytes)
    try:
        targets, notes = prepare(pages, marks, app, ceiling, args.concurrency)
        if stand_in_for_autovacuum(url):
            notes.append("PostgreSQL's autovacuum is off on this server: the benchmark vacuumed the database "
                         "before measuring, and its topics and users after each round, as autovacuum would")
        results = measure(targets, args, url)
        report(results, f"{workers} worker(s) x {args.threads} thread(s), concurrency {args.concurrency}, "
                        f"{args.duration:g} s a page in {args.rounds} rounds after {args.warmup:g} s warm-up")
        for note in notes:
            print(f"- {note}")
        memory = ", ".join(f"{mb:.0f} MB" for mb in app.worker_rss_mb())
        print(f"- forum workers' resident memory at the end: {memory}")
    finally:
        app.stop()
        ceiling.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse the bench database if it has posts")
    parser.add_argument("--database-url", help="PostgreSQL (its public schema is replaced); default SQLite")
    parser.add_argument("--workers", default="2", help="gunicorn workers; a list (1,2,4) compares scaling")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per page before measuring")
    parser.add_argument("--rounds", type=int, default=5, help="round-robin rounds the duration is split in")
    parser.add_argument("--quick", action="store_true", help="CI: tiny data, ~2 s a page, checks only")
    parser.add_argument("--pages", help="only pages whose name contains one of these comma-separated words "
                                        "(the ceiling always runs)")
    args = parser.parse_args(argv)
    pages = [p for p in PAGES if p is PAGES[0] or not args.pages
             or any(word in p.name for word in args.pages.split(","))]
    if args.quick:
        args.posts, args.duration, args.warmup, args.rounds = min(args.posts, 1_200), 2.0, 0.2, 1
    worker_counts = [int(n) for n in args.workers.split(",")]

    url = build_database(args)
    marks = landmarks(url)
    args.ceiling_bytes = topic_bytes(url, PAGES[2].path.format(**marks))
    if len(worker_counts) == 1:
        results = run(url, marks, worker_counts[0], args, pages)
        if args.quick:
            problems = check(results)
            for problem in problems:
                print(f"FAIL {problem}")
            return 1 if problems else 0
        return 0

    if url.startswith("sqlite"):
        print("Note: scaling is meant for PostgreSQL (--database-url); SQLite serialises writers.")
    print(f"Redis: {os.environ.get('REDIS_URL') or 'not set (rate limits in memory; disabled here anyway)'}")
    scaling = {n: run(url, marks, n, args, [p for p in pages if p.read]) for n in worker_counts}
    print("\nThroughput (req/s) by workers, and the gain over the first column\n")
    print("| page | " + " | ".join(f"{n} worker(s)" for n in worker_counts) + " | gain |")
    print("|---|" + "---:|" * (len(worker_counts) + 1))
    first, last = scaling[worker_counts[0]], scaling[worker_counts[-1]]
    for name in first:
        rates = [scaling[n][name].rate() if name in scaling[n] else 0.0 for n in worker_counts]
        gain = last[name].rate() / first[name].rate() if first[name].rate() else 0.0
        print(f"| {name} | " + " | ".join(f"{r:,.0f}" for r in rates) + f" | x{gain:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
