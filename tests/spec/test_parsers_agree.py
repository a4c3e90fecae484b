"""libyaml (ruamel.yaml.clib, a dependency on CPython) composes specs; the pure-Python parser
composes what libyaml does not take and the texts on which the two are known to differ. fastgen
must make the same located tree and the same diagnostics of any text either way, or a spec's
meaning, or where its error points, would depend on whether a C extension is installed."""

from __future__ import annotations

import glob
import os
import platform
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastgen.spec.source as source
from fastgen.errors import Diagnostic
from fastgen.spec.source import Report, YNode
from tests.specgen.strategies import SpecSet, spec_sets

REPO = Path(__file__).resolve().parents[2]


def test_libyaml_is_there_on_cpython() -> None:
    assert source._LIBYAML or platform.python_implementation() != "CPython"


def _parse(text: str, *, libyaml: bool) -> tuple[YNode | None, list[Diagnostic]]:
    report = Report("spec.yaml", text)
    saved, source._LIBYAML = source._LIBYAML, libyaml
    try:
        return source.parse(report), report.diagnostics
    finally:
        source._LIBYAML = saved


def assert_agree(text: str) -> None:
    """The located tree (spans included) and the diagnostics fastgen makes of `text` are the
    same whether libyaml composes it or the pure-Python parser does."""
    assert _parse(text, libyaml=True) == _parse(text, libyaml=False), repr(text)


TOKENS = [
    *"ab:-,[]{}#&*!|>'\"%@`?.\\ \t\n\r",
    "\r\n",
    "  ",
    "- ",
    ": ",
    "é",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufeff",
    "\x00",
    "\x7f",
]
YAMLISH = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=int(os.environ.get("PARSER_EXAMPLES", "400")), deadline=None, database=None)
@given(YAMLISH)
def test_yaml_like_noise(text: str) -> None:
    assert_agree(text)


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(spec_sets())
def test_drawn_spec_sets(spec_set: SpecSet) -> None:
    for _name, text in spec_set.files:
        assert_agree(text)


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for p in glob.glob("**/*.yaml", root_dir=REPO, recursive=True)
        if not p.startswith((".venv", "build", "."))
    ),
)
def test_the_project_s_own_yaml_files(path: str) -> None:
    assert_agree((REPO / path).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.2\n---\na: 1\n",
        "%YAML 1.1\n---\na: yes\n",
        "a: 'it''s'\nb: \"\\u00e9\\/\"\n",
        "a: |+\n  x\n\n",
        "a: >-\n  folded\n  text\n",
        "? complex\n: key\n",
        "a: &x {b: 1}\nc: *x\n<<: *x\n",
        "\ufeffa: 1\n",
        "a:\r\n  - 1\r\n  - 2\r\n",
        "{a: 1, b: [c, d], e: {f: g}}",
        "a: 1\n...\n",
        "- [a, b]: c\n",
        "a: !!str 3\nb: !custom x\n",
    ],
)
def test_edges(text: str) -> None:
    assert_agree(text)
