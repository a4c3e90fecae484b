# ruff: noqa: E501  (expected output is compared verbatim, long lines included)
"""What the generated app or its test data cannot honour is refused at its place: patterns the
app's regex engine refuses, fields the generator cannot fill, unique fields with too few values,
bounds no value satisfies, examples and defaults the app would refuse."""

from __future__ import annotations

import pytest
from spec.test_load_errors import Errors, expect

from fastgen.spec.load import load_spec_text

HEAD = "version: 1\nresource: Book\nfields:\n"


def test_patterns_the_apps_regex_engine_refuses(errors: Errors) -> None:
    got = errors(
        HEAD
        + '  code: {type: str, pattern: "(?<=a)b"}\n'
        + '  twice: {type: str, pattern: "(a)\\\\1"}\n'
    )
    assert got == expect(
        r"""
        specs/book.yaml:4:30: error: fields.code.pattern: the generated app's regex engine refuses this pattern: look-around, including look-ahead and look-behind, is not supported
           4 |   code: {type: str, pattern: "(?<=a)b"}
             |                              ^^^^^^^^^
          hint: the app checks patterns with pydantic's Rust regex engine: no look-around, back-references, atomic groups or possessive repeats; write the end of the value as $, not \Z
        specs/book.yaml:5:31: error: fields.twice.pattern: the generated app's regex engine refuses this pattern: backreferences are not supported
           5 |   twice: {type: str, pattern: "(a)\\1"}
             |                               ^^^^^^^^
          hint: the app checks patterns with pydantic's Rust regex engine: no look-around, back-references, atomic groups or possessive repeats; write the end of the value as $, not \Z
        """
    )


def test_a_pattern_without_example_is_sampled() -> None:
    spec = load_spec_text(
        HEAD
        + '  license_no: {type: str, pattern: "^[A-Z]{2}[0-9]{6}$", unique: true}\n'
        + '  color: {type: str, pattern: "^(red|green|blue)$"}\n',
        "b.yaml",
    )
    assert spec.field("license_no").example is None


def test_a_pattern_no_value_of_the_lengths_matches_needs_an_example(errors: Errors) -> None:
    got = errors(
        HEAD
        + '  code: {type: str, pattern: "^[a-z]{3}$", min_length: 5}\n'
        + '  pin: {type: password, pattern: "^[0-9]{4}$"}\n'
    )
    assert got == expect(
        """
        specs/book.yaml:4:30: error: fields.code.pattern: cannot build a test value that matches '^[a-z]{3}$' and has at least 5 characters
           4 |   code: {type: str, pattern: "^[a-z]{3}$", min_length: 5}
             |                              ^^^^^^^^^^^^
          hint: add an `example` that matches
        specs/book.yaml:5:34: error: fields.pin.pattern: cannot build a test value that matches '^[0-9]{4}$' and has at least 8 characters, at most 128
           5 |   pin: {type: password, pattern: "^[0-9]{4}$"}
             |                                  ^^^^^^^^^^^^
          hint: add an `example` that matches
        """
    )


def test_an_example_stands_in_where_the_generator_gives_up() -> None:
    """Values longer than the sampler looks for: the example is the test data."""
    long = "a" * 5000
    spec = load_spec_text(
        HEAD
        + f'  body: {{type: text, pattern: "^[a-z]+$", min_length: 5000, example: "{long}"}}\n',
        "b.yaml",
    )
    assert spec.field("body").example == long


def test_unique_fields_need_enough_values(errors: Errors) -> None:
    got = errors(
        HEAD
        + '  color: {type: str, pattern: "^(red|green|blue)$", unique: true}\n'
        + "  pages: {type: int, ge: 1, le: 5, unique: true}\n"
        + "  kind: {type: enum, values: [a, b], unique: true}\n"
        + "  done: {type: bool, unique: true}\n"
        + "  tag: {type: str, max_length: 1, unique: true}\n"
        + "  share: {type: decimal, max_digits: 4, decimal_places: 2, gt: 0.1, lt: 0.3, unique: true}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:31: error: fields.color.pattern: cannot build 1000 distinct test values that match '^(red|green|blue)$'
           4 |   color: {type: str, pattern: "^(red|green|blue)$", unique: true}
             |                               ^^^^^^^^^^^^^^^^^^^^
          hint: a unique field needs 1000 distinct values (the generated tests create up to that many rows of one resource): let the pattern vary in characters (e.g. [A-Z]{3}[0-9]{4}) rather than only in alternatives, allow longer values, or drop unique
        specs/book.yaml:5:44: error: fields.pages.unique: a unique int with ge: 1, le: 5 allows only 5 rows
           5 |   pages: {type: int, ge: 1, le: 5, unique: true}
             |                                            ^^^^
          hint: the generated tests create up to 1000 rows of one resource; widen the range or drop unique
        specs/book.yaml:6:46: error: fields.kind.unique: a unique enum allows one row per value (2)
           6 |   kind: {type: enum, values: [a, b], unique: true}
             |                                              ^^^^
          hint: the generated tests create up to 1000 rows of one resource; drop unique, or use a str field
        specs/book.yaml:7:30: error: fields.done.unique: a unique bool allows only 2 rows
           7 |   done: {type: bool, unique: true}
             |                              ^^^^
          hint: the generated tests create up to 1000 rows of one resource; drop unique
        specs/book.yaml:8:43: error: fields.tag.unique: a unique str of at most 1 character leaves the test data 62 values (<0-9 A-Z a-z>)
           8 |   tag: {type: str, max_length: 1, unique: true}
             |                                           ^^^^
          hint: the generated tests create up to 1000 rows of one resource; raise max_length to 2 or more, or drop unique
        specs/book.yaml:9:86: error: fields.share.unique: a unique decimal with gt: 0.1, lt: 0.3 allows only 19 rows
           9 |   share: {type: decimal, max_digits: 4, decimal_places: 2, gt: 0.1, lt: 0.3, unique: true}
             |                                                                                      ^^^^
          hint: the generated tests create up to 1000 rows of one resource; widen the range or drop unique
        """
    )


def test_unique_fields_of_every_type_with_enough_values_are_accepted() -> None:
    load_spec_text(
        HEAD
        + '  a: {type: str, pattern: "^[A-Z]{3}-[0-9]{4}$", unique: true}\n'
        + "  b: {type: str, max_length: 2, unique: true}\n"
        + "  c: {type: text, unique: true}\n"
        + "  d: {type: email, max_length: 20, unique: true}\n"
        + "  e: {type: url, max_length: 40, unique: true}\n"
        + "  f: {type: uuid, unique: true}\n"
        + "  g: {type: int, ge: 1, le: 1000, unique: true}\n"
        + "  h: {type: float, gt: 0, lt: 0.5, unique: true}\n"
        + "  i: {type: decimal, max_digits: 3, decimal_places: 3, ge: 0, unique: true}\n"
        + "  j: {type: date, unique: true}\n"
        + "  k: {type: datetime, unique: true}\n"
        + "  m: {type: time, unique: true}\n",
        "b.yaml",
    )


def test_bounds_no_value_satisfies(errors: Errors) -> None:
    got = errors(
        HEAD
        + "  price: {type: decimal, max_digits: 4, decimal_places: 2, ge: 100}\n"
        + "  pages: {type: int, gt: 0, lt: 1}\n"
        + "  whole: {type: decimal, decimal_places: 0, gt: 0.2, lt: 0.8}\n"
        + "  half: {type: int, ge: 0.5}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:64: error: fields.price.ge: no decimal value satisfies ge: 100 (a decimal with max_digits 4 and decimal_places 2 holds -99.99 to 99.99)
           4 |   price: {type: decimal, max_digits: 4, decimal_places: 2, ge: 100}
             |                                                                ^^^
          hint: widen the bounds
        specs/book.yaml:5:26: error: fields.pages.gt: no int value satisfies gt: 0, lt: 1 (an int column holds -2147483648 to 2147483647)
           5 |   pages: {type: int, gt: 0, lt: 1}
             |                          ^
          hint: widen the bounds
        specs/book.yaml:6:49: error: fields.whole.gt: no decimal value satisfies gt: 0.2, lt: 0.8 (a decimal with max_digits 10 and decimal_places 0 holds -9999999999 to 9999999999)
           6 |   whole: {type: decimal, decimal_places: 0, gt: 0.2, lt: 0.8}
             |                                                 ^^^
          hint: widen the bounds
        specs/book.yaml:7:25: error: fields.half.ge: ge of an int field must be a whole number, got 0.5
           7 |   half: {type: int, ge: 0.5}
             |                         ^^^
          hint: e.g. ge: 1
        """
    )


def test_texts_whose_lengths_leave_no_room_for_test_values(errors: Errors) -> None:
    got = errors(HEAD + "  contact: {type: email, max_length: 10}\n")
    assert got == expect(
        """
        specs/book.yaml:4:38: error: fields.contact.max_length: max_length 10 leaves no room for test values such as 'user-1@example.com'
           4 |   contact: {type: email, max_length: 10}
             |                                      ^^
          hint: raise max_length to 13 or more, or give a pattern and an example
        """
    )


def test_examples_must_satisfy_every_constraint(errors: Errors) -> None:
    got = errors(
        HEAD
        + '  code: {type: str, pattern: "^[a-z]+$", example: "ABC"}\n'
        + "  short: {type: str, max_length: 3, example: abcd}\n"
        + "  pages: {type: int, ge: 5, example: 3}\n"
        + "  contact: {type: email, example: someone@localhost}\n"
        + "  size: {type: enum, values: [small, large], example: smal}\n"
        + "  price: {type: decimal, decimal_places: 2, example: 1.234}\n"
        + "  home: {type: url, example: example.com}\n"
        + "  line: {type: str, pattern: '^abc$', example: \"abc\\n\"}\n"
    )
    assert got == expect(
        r"""
        specs/book.yaml:4:51: error: fields.code.example: example 'ABC' does not match pattern '^[a-z]+$'
           4 |   code: {type: str, pattern: "^[a-z]+$", example: "ABC"}
             |                                                   ^^^^^
        specs/book.yaml:5:46: error: fields.short.example: example is 4 characters long, more than max_length (3)
           5 |   short: {type: str, max_length: 3, example: abcd}
             |                                              ^^^^
        specs/book.yaml:6:38: error: fields.pages.example: example 3 is outside the bounds (ge 5)
           6 |   pages: {type: int, ge: 5, example: 3}
             |                                      ^
        specs/book.yaml:7:35: error: fields.contact.example: example 'someone@localhost' is not an email address
           7 |   contact: {type: email, example: someone@localhost}
             |                                   ^^^^^^^^^^^^^^^^^
          hint: e.g. 'someone@example.com'
        specs/book.yaml:8:55: error: fields.size.example: example 'smal' is not one of the values
           8 |   size: {type: enum, values: [small, large], example: smal}
             |                                                       ^^^^
          hint: did you mean 'small'?
        specs/book.yaml:9:54: error: fields.price.example: example 1.234 has more than 2 decimal places
           9 |   price: {type: decimal, decimal_places: 2, example: 1.234}
             |                                                      ^^^^^
        specs/book.yaml:10:30: error: fields.home.example: example 'example.com' is not a URL
           10 |   home: {type: url, example: example.com}
              |                              ^^^^^^^^^^^
          hint: URLs start with http:// or https://
        specs/book.yaml:11:48: error: fields.line.example: example 'abc\n' does not match pattern '^abc$'
           11 |   line: {type: str, pattern: '^abc$', example: "abc\n"}
              |                                                ^^^^^^^
        """
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "{type: time, default: '10:30+02:00'}",
            "default must be a time of day without a UTC offset, got '10:30+02:00'",
        ),
        ("{type: email, default: a@b}", "default 'a@b' is not an email address"),
        (
            "{type: int, default: 3000000000}",
            "default 3000000000 is outside what an int column holds (-2147483648 to 2147483647)",
        ),
        (
            '{type: str, default: "a\\0b"}',
            "default holds a NUL character (\\x00), which PostgreSQL cannot store in text",
        ),
        (
            "{type: email, default: '" + "a" * 320 + "@example.com'}",
            "default is 332 characters long, more than the 320 characters a email field holds",
        ),
        (
            "{type: str, pattern: '^a$', default: \"a\\n\"}",
            "default 'a\\n' does not match pattern '^a$'",
        ),
    ],
)
def test_defaults_the_app_would_refuse(errors: Errors, field: str, message: str) -> None:
    got = errors(HEAD + f"  value_field: {field}\n")
    assert got.splitlines()[0].endswith(f"fields.value_field.default: {message}")


def test_read_only_fields_are_never_sent_so_never_sampled() -> None:
    load_spec_text(
        HEAD + "  rank: {type: int, ge: 1, le: 5, unique: true, read_only: true, optional: true}\n",
        "b.yaml",
    )


def test_sampling_is_checked_once_the_field_has_no_other_problem(errors: Errors) -> None:
    got = errors(HEAD + "  pages: {type: int, ge: 10, le: 5, unique: true}\n")
    assert got.count("error:") == 1
    assert "ge (10) is greater than le (5)" in got
