"""End to end: a generated bookshop, served by uvicorn the plain way (`uvicorn app.main:app`, so
uvicorn's own default of believing X-Forwarded-For from 127.0.0.1 is in force), withstands the
attacks and outages it once failed:

- rotating tokens buys neither login attempts nor registrations;
- X-Forwarded-For sent from 127.0.0.1 does not choose the client address the limits count;
- 10 MB and 60 MB bodies are refused with 413 and nothing is stored;
- its own Redis stopped: login and registration answer 503 with Retry-After, a declared limit
  lets requests through, /health names the store;
- the database stops answering (connections accepted, nothing said): a request ends with 503
  within DATABASE_CONNECT_TIMEOUT + DATABASE_STATEMENT_TIMEOUT, not after a minute;
- the database closes every open connection (as a restart does): no request fails for it;
- nothing listens at the database address: 503 with Retry-After, /health names the database.

One app serves every scenario. It reaches PostgreSQL through a relay this test switches
(forward, freeze, refuse), and counts its rate limits in a Redis of its own that the test
stops and starts again; each scenario leaves both as it found them.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_generated_project import BOOKSHOP_SPECS
from tests.e2e.tools import ProjectFactory, free_port, run, serve
from tests.services import POSTGRES_HOST, missing, postgres_databases, reachable

pytestmark = pytest.mark.e2e

CONNECT_TIMEOUT = 2.0
STATEMENT_TIMEOUT = 2.0
LOGIN_LIMIT = 10
"""Login and registration, per client address and per account, per minute (as generated)."""
PASSWORD = "a long enough password"
SCRATCH = ("--save", "", "--appendonly", "no")
"""redis-server options: nothing is written to disk."""


class DatabaseRelay:
    """A TCP relay in front of the real PostgreSQL whose behaviour the test switches:
    `forward`; `freeze` (open connections carry nothing more, new ones are accepted and never
    answered); `refuse` (nothing listens: connecting is refused). `go_stale()` leaves the open
    connections open but dead: each is closed the moment the app sends on it (a server gone
    without a word, which the app cannot know before it sends)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.mode = "forward"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.epoch = 0
        """Connections accepted before the last `go_stale()` are dead."""

    def __enter__(self) -> DatabaseRelay:
        self.thread.start()
        self._call(self._switch("forward"))
        return self

    def __exit__(self, *_exc: object) -> None:
        self._call(self._switch("refuse"))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    def switch(self, mode: str) -> None:
        self._call(self._switch(mode))

    def go_stale(self) -> None:
        async def stale() -> None:
            self.epoch += 1

        self._call(stale())

    def _call(self, coroutine: Coroutine[object, object, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _switch(self, mode: str) -> None:
        self.mode = mode
        if mode != "freeze":  # forward anew, or refuse: drop what is open
            for writer in list(self.writers):
                writer.close()
        if mode == "refuse" and self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        elif mode != "refuse" and self.server is None:
            self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        if self.mode != "forward":
            await self._pipe(reader, None)
            return
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers.add(upstream)
        epoch = self.epoch
        await asyncio.gather(
            self._pipe(reader, upstream, (writer, epoch)), self._pipe(upstream_reader, writer)
        )

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter | None,
        client: tuple[asyncio.StreamWriter, int] | None = None,
    ) -> None:
        """Copy until either side closes; while frozen, what arrives is dropped. From the
        app's side (`client`: its writer and the epoch it was accepted in) of a connection
        gone stale, what arrives is dropped with the connection."""
        try:
            while data := await reader.read(65536):
                if client is not None and client[1] != self.epoch:
                    client[0].close()
                    self.writers.discard(client[0])
                    break
                if writer is not None and self.mode == "forward":
                    writer.write(data)
                    await writer.drain()
        except OSError:
            pass
        finally:
            if writer is not None:
                writer.close()
                self.writers.discard(writer)


class RedisProcess:
    """A Redis of this test's own, on a free port, without persistence."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed")
        self.binary = str(binary)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, *("--port", str(self.port), "--bind", "127.0.0.1"), *SCRATCH],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not reachable(("127.0.0.1", self.port)):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class Served:
    def __init__(self, base: str, relay: DatabaseRelay, redis: RedisProcess) -> None:
        self.base = base
        self.relay = relay
        self.redis = redis
        self.http = httpx.Client(base_url=base, timeout=30)
        self._emails = iter(range(1, 10_000))

    def email(self, name: str) -> str:
        return f"{name}{next(self._emails)}@example.com"

    def register(self, email: str, **headers: str) -> httpx.Response:
        payload = {"email": email, "password": PASSWORD}
        return self.http.post("/auth/register", json=payload, headers=headers)

    def login(self, email: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
        data = {"username": email, "password": password}
        return self.http.post("/auth/token", data=data, headers=headers)

    def token(self, email: str) -> dict[str, str]:
        response = self.login(email)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + 30
        while (health := self.http.get("/health")).status_code != 200:
            assert time.monotonic() < deadline, health.text
            time.sleep(0.2)


@pytest.fixture(scope="module")
def served(project_factory: ProjectFactory) -> Iterator[Served]:
    project = project_factory(BOOKSHOP_SPECS, "postgresql", ["editor"])
    with postgres_databases("attacks") as (app_url,):
        run(["alembic", "upgrade", "head"], project, DATABASE_URL=app_url)
        redis = RedisProcess()
        redis.start()
        try:
            with (
                DatabaseRelay(POSTGRES_HOST) as relay,
                _serve(project, app_url, relay, redis) as base,
            ):
                served = Served(base, relay, redis)
                try:
                    yield served
                finally:
                    served.http.close()
        finally:
            redis.stop()


@contextmanager
def _serve(project: Path, app_url: str, relay: DatabaseRelay, redis: RedisProcess) -> Iterator[str]:
    database = app_url.rsplit("/", 1)[1]
    with serve(
        project,
        DATABASE_URL=f"postgresql+asyncpg://postgres@127.0.0.1:{relay.port}/{database}",
        DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        DATABASE_STATEMENT_TIMEOUT=str(STATEMENT_TIMEOUT),
        RATE_LIMIT_ENABLED="true",
        RATE_LIMIT_STORAGE_URL=redis.url,
        RATE_LIMIT_STORAGE_TIMEOUT="0.5",
        REQUIRE_AUTHENTICATION="false",
        DEBUG="false",
    ) as base:
        yield base


def _statuses(responses: list[httpx.Response]) -> list[int]:
    return [response.status_code for response in responses]


def _limited_after(statuses: list[int], allowed: int, first: int) -> None:
    """`first` answers (at most `allowed`, at least one), then only 429s (at least one)."""
    passed = statuses.index(429) if 429 in statuses else len(statuses)
    assert 1 <= passed <= allowed, statuses
    assert statuses[:passed] == [first] * passed, statuses
    assert statuses[passed:] == [429] * (len(statuses) - passed) and passed < len(statuses)


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers["retry-after"].isdigit(), response.headers
    body = response.json()
    assert body["code"] == "service_unavailable", body
    assert set(body) == {"code", "message", "details", "request_id"}, body
    assert body["request_id"] == response.headers["x-request-id"], body


def test_rotating_tokens_buys_no_guesses_and_no_registrations(served: Served) -> None:
    emails = [served.email("rotation") for _ in range(4)]
    assert _statuses([served.register(email) for email in emails]) == [201] * 4
    tokens = [served.token(email) for email in emails[:3]]  # three logins spent
    target = emails[3]
    guesses = [
        served.login(target, "not the password", **tokens[n % 3]) for n in range(LOGIN_LIMIT + 2)
    ]
    _limited_after(_statuses(guesses), LOGIN_LIMIT - 3, 401)
    assert guesses[-1].json()["code"] == "rate_limited"
    registrations = [
        served.register(served.email("rotated"), **tokens[n % 3]) for n in range(LOGIN_LIMIT)
    ]
    _limited_after(_statuses(registrations), LOGIN_LIMIT - 4, 201)


def test_x_forwarded_for_from_localhost_chooses_no_address(served: Served) -> None:
    guesses = [
        served.login(
            served.email("spoof"), "not the password", **{"X-Forwarded-For": f"192.0.2.{n}"}
        )
        for n in range(1, LOGIN_LIMIT + 3)
    ]
    _limited_after(_statuses(guesses), LOGIN_LIMIT, 401)


def test_large_bodies_are_413_and_not_stored(served: Served) -> None:
    json = {"Content-Type": "application/json"}
    for size, path in ((10 * 2**20, "/auth/register"), (60 * 2**20, "/books")):
        response = served.http.post(path, content=b"x" * size, headers=json)
        assert response.status_code == 413, (size, response.text)
        assert response.json()["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:
        for _ in range(10 * 16):
            yield b" " * 65536

    streamed = served.http.post("/authors", content=chunks(), headers=json)
    assert streamed.status_code == 413, streamed.text
    assert served.http.get("/books").json()["total"] == 0


def test_rate_limit_store_down(served: Served) -> None:
    served.redis.stop()
    try:
        _assert_unavailable(served.login(served.email("outage")))
        _assert_unavailable(served.register(served.email("outage")))
        for _ in range(3):  # declared limits (books: 120/minute) let requests through
            assert served.http.get("/books").status_code == 200
        health = served.http.get("/health")
        _assert_unavailable(health)
        assert [detail["loc"] for detail in health.json()["details"]] == [
            ["checks", "rate_limit_store"]
        ]
    finally:
        served.redis.start()
    served.wait_healthy()


def test_database_that_stops_answering(served: Served) -> None:
    assert served.http.get("/books").status_code == 200  # a pooled connection exists
    served.relay.switch("freeze")
    try:
        started = time.monotonic()
        response = served.http.get("/books")
        elapsed = time.monotonic() - started
        _assert_unavailable(response)
        assert elapsed < CONNECT_TIMEOUT + STATEMENT_TIMEOUT + 3, elapsed
        started = time.monotonic()
        _assert_unavailable(served.http.get("/health"))
        assert time.monotonic() - started < CONNECT_TIMEOUT + STATEMENT_TIMEOUT + 3
    finally:
        served.relay.switch("forward")
    served.wait_healthy()


def test_connections_the_database_closed_fail_no_request(served: Served) -> None:
    """The app checks no connection with a round trip before using it (no pre-ping): a pooled
    connection the server closed is replaced when it is taken from the pool, or the read that
    finds it gone runs again on a fresh one."""
    for _ in range(3):  # pooled connections exist
        assert served.http.get("/books").status_code == 200
    for drop in (lambda: served.relay.switch("forward"), served.relay.go_stale) * 2:
        drop()  # closed (the app hears of it), or dead until used (the app cannot know)
        pages = [served.http.get("/books") for _ in range(3)]
        assert _statuses(pages) == [200] * 3, [page.text for page in pages]
        drop()
        lookups = [served.http.get("/authors/1") for _ in range(3)]  # a primary key lookup
        assert _statuses(lookups) == [404] * 3, [lookup.text for lookup in lookups]


def test_database_address_where_nothing_listens(served: Served) -> None:
    served.relay.switch("refuse")
    try:
        response = served.http.get("/books")
        _assert_unavailable(response)
        assert response.json()["message"] == "Database unavailable"
        _assert_unavailable(served.login(served.email("nowhere")))
        health = served.http.get("/health")
        _assert_unavailable(health)
        assert [detail["loc"] for detail in health.json()["details"]] == [["checks", "database"]]
        assert served.http.get("/health/live").json() == {"status": "ok"}
    finally:
        served.relay.switch("forward")
    served.wait_healthy()
