"""The generated bookshop against the hand-written one (`bench/reference_app`) under load, on
PostgreSQL.

Both apps get a database of their own, created by the generated project's migration (so the
schemas are identical) and seeded with the same rows. Each is served by uvicorn (one worker, no
access log) on this machine; the load generator is asyncio + httpx with a fixed concurrency
(that many workers, each with its own keep-alive connection) running for a fixed time per
measurement. The server's CPU time per request is recorded too: on a machine shared with other
work it is steadier than the throughput. After a warm-up, every endpoint is
measured on both apps alternately, the order swapped each round, and medians are reported.
Rows created by a measurement are deleted before the next.

SQL statements per request are counted in a separate sequential pass with `BENCH_COUNT_SQL=1`
(`bench.sql_counter`), so the timed runs carry no instrumentation.

The generated app runs as shipped except for its rate limits, which are off
(`RATE_LIMIT_ENABLED=false`): the bookshop allows 120 requests a minute per client, the load
test sends thousands. Creating a book needs the editor (or admin) role in both apps: the load
test makes an editor with `python -m app.create_user` in each database, logs in as them on the
generated app, signs a token of the same form for the hand-written one, and sends it with the
create requests only.

With `before` (a git revision), the same run also serves the generated app as fastgen at that
revision generates it and the hand-written app as it was there, each on a database of its own,
in the same alternating rounds: before and after side by side on one machine at one time.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import jwt

from bench.projects import REPO, bookshop
from bench.sql_counter import PATH as SQL_PATH
from bench.sql_counter import SWITCH
from bench.timing import BIN, run

POSTGRES = os.environ.get("BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SECRET_KEY = "fastgen-bench-load-test-secret-key-not-for-production"
"""The generated app refuses to start with the example SECRET_KEY (or none) outside debug."""
EDITOR_EMAIL = "bench-editor@example.com"
EDITOR_PASSWORD = "bench-editor-password"  # a throwaway account of the bench


@dataclass(frozen=True)
class App:
    """One app under load."""

    name: str
    """Its key in the results: `generated`, `reference`, `generated-before`, `reference-before`."""
    module: str
    """What uvicorn serves."""
    source: Path
    """The tree `module` is imported from (this checkout, or the `before` revision's)."""
    project: Path
    """The generated project whose migration makes its database and whose `create_user` makes
    the editor."""

    @property
    def generated(self) -> bool:
        return self.name.startswith("generated")


APPS = ("generated", "reference")
"""The apps whose ratio the goals judge; `-before` ones come with `before`."""
SEED_AUTHORS = 100
SEED_BOOKS = 1000
PAGE = 50
GENRES = ("fiction", "science", "history")


Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    expected: int
    make: Callable[[random.Random], Request]
    authenticated: bool = False
    """Sent with the server's token (the generated app's access rule needs one)."""


_isbns = itertools.count(1)


def _list(rng: random.Random) -> Request:
    offset = rng.randrange(0, SEED_BOOKS // PAGE) * PAGE
    return "GET", f"/books?limit={PAGE}&offset={offset}", None


def _read(rng: random.Random) -> Request:
    return "GET", f"/books/{rng.randint(1, SEED_BOOKS)}", None


def _create(rng: random.Random) -> Request:
    number = next(_isbns)
    body = {
        "title": f"Load test book {number}",
        "isbn": f"9-{number:012d}",
        "pages": rng.randint(1, 900),
        "price": "12.50",
        "genre": rng.choice(GENRES),
        "published_on": "2024-05-01",
        "summary": "Written under load.",
        "author_id": rng.randint(1, SEED_AUTHORS),
    }
    return "POST", "/books", body


ENDPOINTS = (
    Endpoint("list", f"list books (page of {PAGE}, no included relation)", 200, _list),
    Endpoint("read", "read a book", 200, _read),
    Endpoint("create", "create a book", 201, _create, authenticated=True),
)


@dataclass(frozen=True)
class Measurement:
    requests: int
    errors: int
    seconds: float
    p50: float
    p99: float
    server_cpu: float
    """CPU seconds the server process used during the measurement (NaN if unknown)."""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_per_request(self) -> float:
        return self.server_cpu / self.requests if self.requests else math.nan


@dataclass(frozen=True)
class SqlCount:
    statements: float
    pings: float
    kinds: tuple[str, ...]
    """The statements of one request, summarised (`SELECT books`, `INSERT books`, ...)."""


@dataclass
class LoadResults:
    concurrency: int
    seconds: float
    rounds: int
    warmup: float
    before: str | None = None
    """The git revision the `-before` apps come from (None: no such apps in this run)."""
    runs: dict[tuple[str, str], list[Measurement]] = field(default_factory=dict)
    sql: dict[tuple[str, str], SqlCount] = field(default_factory=dict)

    def median(self, app: str, endpoint: str, attribute: str) -> float:
        return float(statistics.median(getattr(m, attribute) for m in self.runs[(app, endpoint)]))

    def errors(self, app: str, endpoint: str) -> int:
        return sum(m.errors for m in self.runs[(app, endpoint)])


@dataclass(frozen=True)
class Setup:
    apps: tuple[App, ...]
    databases: Mapping[str, str]
    logs: Path
    before: str | None = None


def _url(database: str, driver: str = "postgresql") -> str:
    base = POSTGRES.replace("postgresql://", f"{driver}://", 1)
    return f"{base}/{database}"


def postgres_reachable() -> bool:
    async def probe() -> bool:
        try:
            connection = await asyncpg.connect(_url("postgres"), timeout=5)
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return False
        await connection.close()
        return True

    return asyncio.run(probe())


def postgres_version() -> str | None:
    async def version() -> str | None:
        try:
            connection = await asyncpg.connect(_url("postgres"), timeout=5)
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return None
        try:
            return str(await connection.fetchval("SHOW server_version"))
        finally:
            await connection.close()

    return asyncio.run(version())


async def _admin(statements: list[str]) -> None:
    connection = await asyncpg.connect(_url("postgres"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _seed(database: str) -> None:
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    authors = [
        (f"Author {i}", f"author{i}@example.com", None, date(1950 + i % 50, 1, 1), stamp, stamp)
        for i in range(1, SEED_AUTHORS + 1)
    ]
    books = [
        (
            f"Book {i}",
            f"978-{i:010d}",
            100 + i % 400,
            Decimal(f"{i % 90 + 5}.99"),
            GENRES[i % 3],
            date(2000 + i % 24, 1 + i % 12, 1),
            f"Summary of book {i}.",
            1 + i % SEED_AUTHORS,
            stamp,
            stamp,
        )
        for i in range(1, SEED_BOOKS + 1)
    ]
    connection = await asyncpg.connect(_url(database))
    try:
        await connection.executemany(
            "INSERT INTO authors (name, email, bio, born_on, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            authors,
        )
        await connection.executemany(
            "INSERT INTO books (title, isbn, pages, price, genre, published_on, summary, "
            "author_id, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5::bookgenre, $6, $7, $8, $9, $10)",
            books,
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _delete_created(database: str) -> None:
    connection = await asyncpg.connect(_url(database))
    try:
        await connection.execute(f"DELETE FROM books WHERE id > {SEED_BOOKS}")
        await connection.execute("VACUUM ANALYZE books")
    finally:
        await connection.close()


def _before_sources(work: Path, revision: str) -> Path:
    """fastgen, its blueprints and bench/ as they are at `revision`, extracted under `work`."""
    target = work / "before-src"
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", revision, "fastgen", "blueprints", "bench"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _apps(work: Path, env: Mapping[str, str], before: str | None) -> tuple[App, ...]:
    project = bookshop(work / "load", env, db="postgresql", name="benchshop")
    apps = [
        App("generated", "bench.generated_app:app", REPO, project),
        App("reference", "bench.reference_app.main:app", REPO, project),
    ]
    if before is not None:
        sources = _before_sources(work, before)
        old_env = {**env, "PYTHONPATH": str(sources)}  # fastgen of `before`, its blueprints
        old = bookshop(work / "load-before", old_env, db="postgresql", name="benchshop")
        apps += [
            App("generated-before", "bench.generated_app:app", REPO, old),
            App("reference-before", "bench.reference_app.main:app", sources, old),
        ]
    return tuple(apps)


@contextmanager
def databases(work: Path, env: Mapping[str, str], before: str | None = None) -> Iterator[Setup]:
    """The generated bookshop project(s) (PostgreSQL) and one seeded database per app; the
    databases are dropped afterwards."""
    apps = _apps(work, env, before)
    suffix = uuid.uuid4().hex[:8]
    names = {app.name: f"fastgen_bench_{app.name.replace('-', '_')}_{suffix}" for app in apps}
    asyncio.run(_admin([f'CREATE DATABASE "{name}"' for name in names.values()]))
    try:
        for app in apps:
            database_env = {**env, "DATABASE_URL": _url(names[app.name], "postgresql+asyncpg")}
            run([BIN / "alembic", "upgrade", "head"], app.project, database_env)
            asyncio.run(_seed(names[app.name]))
            run(
                [BIN / "python", "-m", "app.create_user", EDITOR_EMAIL, "--role", "editor"],
                app.project,
                {**database_env, "USER_PASSWORD": EDITOR_PASSWORD},
            )
        logs = work / "logs"
        logs.mkdir(exist_ok=True)
        yield Setup(apps, names, logs, before)
    finally:
        asyncio.run(
            _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names.values()])
        )


async def _editor(database: str) -> tuple[int, int]:
    """The id and token version of the bench's editor in `database`."""
    connection = await asyncpg.connect(_url(database))
    try:
        row = await connection.fetchrow(
            "SELECT id, token_version FROM users WHERE email = $1", EDITOR_EMAIL
        )
    finally:
        await connection.close()
    return int(row["id"]), int(row["token_version"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`uvicorn` serving one app: one worker, no access log."""

    def __init__(self, app: App, setup: Setup, env: Mapping[str, str], count_sql: bool) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        database = setup.databases[app.name]
        environment = {
            **env,
            "DATABASE_URL": _url(database, "postgresql+asyncpg"),
            "BENCH_PROJECT": str(app.project),
            "SECRET_KEY": SECRET_KEY,
            "RATE_LIMIT_ENABLED": "false",
            SWITCH: "1" if count_sql else "0",
        }
        if app.source != REPO:
            environment["PYTHONPATH"] = str(app.source)
        self.log = (setup.logs / f"{app.name}-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                app.module,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=app.source,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        self.auth: dict[str, str] = {}
        """Headers of the endpoints marked `authenticated`: the editor's bearer token, from
        the generated app's login, or signed like it for the hand-written app."""
        if app.generated:
            self.auth = self._log_in()
        else:
            user_id, version = asyncio.run(_editor(database))
            now = int(time.time())
            claims = {"sub": str(user_id), "ver": version, "iat": now, "exp": now + 3600}
            token = jwt.encode(claims, SECRET_KEY, algorithm="HS256")
            self.auth = {"Authorization": f"Bearer {token}"}

    def _log_in(self) -> dict[str, str]:
        response = httpx.post(
            f"{self.base}/auth/token",
            data={"username": EDITOR_EMAIL, "password": EDITOR_PASSWORD},
            timeout=30,
        )
        if response.status_code != 200:
            self.stop()
            raise RuntimeError(f"logging in as {EDITOR_EMAIL} failed: {response.text}")
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.log.flush()
                raise RuntimeError(f"the server exited; see {self.log.name}")
            try:
                if httpx.get(f"{self.base}/books?limit=1", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer within 60 s; see {self.log.name}")
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server process so far (Linux; NaN elsewhere)."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="ascii")
        except OSError:
            return math.nan
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def _hit(
    server: Server,
    clients: Sequence[httpx.AsyncClient],
    endpoint: Endpoint,
    seconds: float,
    seed: int,
) -> Measurement:
    """`len(clients)` workers, each sending one request at a time on its own connection,
    until `seconds` have passed."""
    latencies: list[float] = []
    errors = 0
    headers = server.auth if endpoint.authenticated else None
    cpu_before = server.cpu_seconds()
    deadline = time.perf_counter() + seconds

    async def worker(number: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < deadline:
            method, url, body = endpoint.make(rng)
            start = time.perf_counter()
            response = await client.request(method, url, json=body, headers=headers)
            latencies.append(time.perf_counter() - start)
            if response.status_code != endpoint.expected:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(n, client) for n, client in enumerate(clients)))
    elapsed = time.perf_counter() - start
    return Measurement(
        server_cpu=server.cpu_seconds() - cpu_before,
        requests=len(latencies),
        errors=errors,
        seconds=elapsed,
        p50=statistics.median(latencies) if latencies else math.nan,
        p99=_percentile(latencies, 0.99) if latencies else math.nan,
    )


def _client(base: str) -> httpx.AsyncClient:
    """One keep-alive connection. A client per worker: one shared pool of 32 connections costs
    the load generator more CPU per request than the server spends on it, on this machine."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=60)


_VERB = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)


def summarise(statement: str) -> str:
    """`SELECT count(*) AS count_1 FROM books` -> `SELECT count books`."""
    verb = _VERB.match(statement)
    table = _TABLE.search(statement)
    words = [verb[1].upper() if verb else statement.split()[0].upper()]
    if verb and verb[1].upper() == "SELECT" and "count(" in statement.lower():
        words.append("count")
    if table:
        words.append(table[1])
    return " ".join(words)


async def _count_sql(
    setup: Setup, servers: Mapping[str, Server], requests: int, results: LoadResults
) -> None:
    for app, server in servers.items():
        async with _client(server.base) as client:
            for endpoint in ENDPOINTS:
                headers = server.auth if endpoint.authenticated else None
                rng = random.Random(7)
                await client.get(SQL_PATH)
                method, url, body = endpoint.make(rng)
                first = await client.request(method, url, json=body, headers=headers)
                assert first.status_code == endpoint.expected, (
                    f"{app} {endpoint.name}: unexpected status {first.status_code}: {first.text}"
                )
                one = (await client.get(SQL_PATH)).json()
                for _ in range(requests):
                    method, url, body = endpoint.make(rng)
                    await client.request(method, url, json=body, headers=headers)
                counts = (await client.get(SQL_PATH)).json()
                results.sql[(app, endpoint.name)] = SqlCount(
                    statements=counts["statements"] / counts["requests"],
                    pings=counts["pings"] / counts["requests"],
                    kinds=tuple(summarise(s) for s in one["log"]),
                )
        await _delete_created(setup.databases[app])


async def _load(setup: Setup, servers: Mapping[str, Server], results: LoadResults) -> None:
    clients = {
        app: [_client(server.base) for _ in range(results.concurrency)]
        for app, server in servers.items()
    }
    names = tuple(servers)
    try:
        for app in names:  # warm-up: connections, pools, caches
            for endpoint in ENDPOINTS:
                await _hit(servers[app], clients[app], endpoint, results.warmup, seed=0)
            await _delete_created(setup.databases[app])
        for round_number in range(results.rounds):
            order = names if round_number % 2 == 0 else names[::-1]
            for endpoint in ENDPOINTS:
                for app in order:
                    measured = await _hit(
                        servers[app],
                        clients[app],
                        endpoint,
                        results.seconds,
                        seed=round_number + 1,
                    )
                    results.runs.setdefault((app, endpoint.name), []).append(measured)
                    if endpoint.name == "create":
                        await _delete_created(setup.databases[app])
    finally:
        for pool in clients.values():
            for client in pool:
                await client.aclose()


def measure_load(
    work: Path,
    env: Mapping[str, str],
    *,
    concurrency: int,
    seconds: float,
    rounds: int,
    warmup: float,
    sql_requests: int,
    before: str | None = None,
) -> LoadResults:
    """Both apps (and, with `before`, both as they were at that git revision) under load."""
    results = LoadResults(
        concurrency=concurrency, seconds=seconds, rounds=rounds, warmup=warmup, before=before
    )
    with databases(work, env, before) as setup:
        for count_sql in (True, False):
            servers: dict[str, Server] = {}
            try:
                for app in setup.apps:
                    servers[app.name] = Server(app, setup, env, count_sql)
            except BaseException:
                for server in servers.values():
                    server.stop()
                raise
            try:
                if count_sql:
                    asyncio.run(_count_sql(setup, servers, sql_requests, results))
                else:
                    asyncio.run(_load(setup, servers, results))
            finally:
                for server in servers.values():
                    server.stop()
    return results
