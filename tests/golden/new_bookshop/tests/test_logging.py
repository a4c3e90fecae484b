"""Logs: plain text by default, one JSON object per line with LOG_JSON=true, at LOG_LEVEL; each
request gets an access line with its id, and never its query string."""

import json
import logging
import re
from collections.abc import Iterator

import pytest
from httpx import AsyncClient
from pydantic import ValidationError

from app.core.config import Settings
from app.core.config import get_settings
from app.core.logging import configure_logging

ACCESS_KEYS = {
    "time",
    "level",
    "logger",
    "message",
    "request_id",
    "method",
    "path",
    "status",
    "duration_ms",
}


@pytest.fixture
def log_settings(settings: Settings) -> Iterator[Settings]:
    """`settings`, whose logging options a test sets and applies with configure_logging; the
    app's own logging is back afterwards."""
    try:
        yield settings
    finally:
        configure_logging(get_settings())


async def test_json_lines(
    anon_client: AsyncClient, log_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    log_settings.log_json = True
    configure_logging(log_settings)
    capsys.readouterr()
    headers = {"X-Request-ID": "json-1"}
    response = await anon_client.get("/no-such-route?token=secret-value", headers=headers)
    assert response.status_code == 404
    logging.getLogger("app.probe").warning("outside any request")
    lines = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    access = [entry for entry in entries if entry["logger"] == "app.access"]
    assert len(access) == 1, lines
    assert set(access[0]) == ACCESS_KEYS
    assert access[0]["level"] == "INFO"
    assert access[0]["request_id"] == "json-1"
    assert (access[0]["method"], access[0]["path"], access[0]["status"]) == (
        "GET",
        "/no-such-route",
        404,
    )
    assert isinstance(access[0]["duration_ms"], float) and access[0]["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", access[0]["time"])
    assert entries[-1] == {
        "time": entries[-1]["time"],
        "level": "WARNING",
        "logger": "app.probe",
        "message": "outside any request",
        "request_id": None,
    }
    assert "secret-value" not in json.dumps(access)


async def test_text_lines_by_default(
    anon_client: AsyncClient, log_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert log_settings.log_json is False
    configure_logging(log_settings)
    capsys.readouterr()
    await anon_client.get("/health/live?token=secret-value", headers={"X-Request-ID": "text-1"})
    lines = capsys.readouterr().err.splitlines()
    access = [line for line in lines if " app.access " in line]
    assert len(access) == 1, lines
    assert re.fullmatch(
        r"\S+Z INFO app\.access \[text-1\] GET /health/live 200 \d+\.\d ms", access[0]
    ), access
    assert "secret-value" not in "".join(access)


async def test_log_level(
    anon_client: AsyncClient, log_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    log_settings.log_level = "WARNING"
    configure_logging(log_settings)
    capsys.readouterr()
    await anon_client.get("/health/live")
    logging.getLogger("app.probe").warning("kept")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].endswith(" WARNING app.probe [-] kept"), lines


def test_log_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_JSON", "true")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = Settings()
    assert (settings.log_json, settings.log_level) == (True, "DEBUG")
    with pytest.raises(ValidationError, match="log_level"):
        Settings.model_validate({"log_level": "loud"})
