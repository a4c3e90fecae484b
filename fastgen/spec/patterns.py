"""Strings that match a field's `pattern`, as the generated app's regex engine decides.

The generated app checks `pattern` with pydantic: pydantic-core's Rust `regex` engine, search
semantics (the pattern may match anywhere unless anchored), no look-around, no back-references,
`$` only at the very end. `engine_problem` asks that very engine whether it takes a pattern and
`matches` whether it accepts a value.

Values come from the pattern's parse tree (Python's `re` parser): literals, classes, branches,
repeats and groups. A *shape* fixes one branch of each alternation and one count of each
repeat, so it is a row of positions, each taking one of a few characters; `Shape.value(n)` is its
n-th string, the last position varying fastest, so distinct n below `Shape.size` give distinct
strings. The generated factories compute the same strings with `spell` (tests/factories). A
shape is only handed out once the engine has accepted every value it will be asked for.
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic_core import SchemaError, SchemaValidator, ValidationError, core_schema

_parser: Any = getattr(re, "_parser")  # noqa: B009  (Python's own regex parser, 3.11+)
_sre: Any = getattr(re, "_constants")  # noqa: B009

Part = str | tuple[str, int]
"""Literal text, or (characters, count): `count` positions each holding one of `characters`."""

ALPHANUMERIC = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALPHABET_LIMIT = len(ALPHANUMERIC)
"""Characters a position offers at most (0-9, A-Z, a-z for `.`): enough for distinct values in
few positions, short enough to read in the generated factory."""
LENGTH_LIMIT = 4096
"""Longest value looked for: a required length beyond it is left to an `example`."""
_LENGTHS_TRIED = 24
_STEP_BUDGET = 20_000
_COPIES_LIMIT = 256

# Preferred characters first: letters and digits, then the harmless punctuation, then the rest of
# printable ASCII, then Latin-1 letters for classes that exclude all of ASCII.
_UNIVERSE = (
    ALPHANUMERIC
    + "-_."
    + "".join(c for c in string.punctuation if c not in "-_.")
    + " "
    + "".join(chr(code) for code in range(0xC0, 0x100) if code not in (0xD7, 0xF7))
)
_CATEGORY_ESCAPES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


# -- the app's engine


@functools.cache
def _validator(pattern: str) -> SchemaValidator:
    return SchemaValidator(core_schema.str_schema(pattern=pattern))


@functools.cache
def engine_problem(pattern: str) -> str | None:
    """Why the generated app's regex engine refuses `pattern`, or None when it takes it."""
    try:
        _validator(pattern)
    except SchemaError as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        reasons = [line.removeprefix("error: ") for line in lines if line.startswith("error: ")]
        return reasons[-1] if reasons else lines[-1]
    return None


def matches(pattern: str, value: str) -> bool:
    """Does the generated app accept `value` for a field with this pattern?"""
    try:
        _validator(pattern).validate_python(value)
    except ValidationError:
        return False
    return True


# -- shapes


def spell(n: int, *parts: Part) -> str:
    """The `n`-th string of a shape: each part is literal text or `(characters, count)`, the last
    position varying fastest (the same function as the generated factories' `spell`)."""
    pieces: list[str] = []
    for part in reversed(parts):
        if isinstance(part, str):
            pieces.append(part)
            continue
        characters, count = part
        for _ in range(count):
            n, digit = divmod(n, len(characters))
            pieces.append(characters[digit])
    return "".join(reversed(pieces))


@dataclass(frozen=True)
class Shape:
    parts: tuple[Part, ...]

    @classmethod
    def of(cls, positions: list[str]) -> Shape:
        """The shape of a row of positions (the characters each may hold), runs folded."""
        parts: list[Part] = []
        for characters in positions:
            last = parts[-1] if parts else None
            if len(characters) == 1 and isinstance(last, str):
                parts[-1] = last + characters
            elif len(characters) == 1:
                parts.append(characters)
            elif isinstance(last, tuple) and last[0] == characters:
                parts[-1] = (characters, last[1] + 1)
            else:
                parts.append((characters, 1))
        return cls(tuple(parts))

    @property
    def length(self) -> int:
        return sum(len(part) if isinstance(part, str) else part[1] for part in self.parts)

    @property
    def size(self) -> int:
        """How many distinct strings the shape spells."""
        size = 1
        for part in self.parts:
            if not isinstance(part, str):
                size *= len(part[0]) ** part[1]
        return size

    def value(self, n: int) -> str:
        return spell(n, *self.parts)


# -- the parse tree, reduced to what values need


@dataclass(frozen=True, eq=False)
class _Chars:
    characters: str  # one position; "" when no usable character fits


@dataclass(frozen=True, eq=False)
class _Cat:
    items: tuple[_Node, ...]


@dataclass(frozen=True, eq=False)
class _Alt:
    options: tuple[_Node, ...]


@dataclass(frozen=True, eq=False)
class _Repeat:
    item: _Node
    low: int
    high: int | None


_Node = _Chars | _Cat | _Alt | _Repeat


class Unsampleable(Exception):
    """The pattern uses a construct values cannot be built for (look-around, back-references)."""


def _usable(character: str) -> bool:
    code = ord(character)
    return code != 0 and not 0xD800 <= code <= 0xDFFF


def _category(name: str, character: str, ascii_only: bool) -> bool:
    flags = re.ASCII if ascii_only else 0
    return re.fullmatch(_CATEGORY_ESCAPES[name], character, flags) is not None


def _variants(character: str, ignore_case: bool) -> set[str]:
    if not ignore_case:
        return {character}
    return {c for c in (character, character.lower(), character.upper()) if len(c) == 1}


def _flag(current: bool, add: int, remove: int, flag: int) -> bool:
    return bool(current or add & flag) and not remove & flag


class _Tree:
    """Python's parse tree of a pattern turned into _Node values."""

    def __init__(self, flags: int) -> None:
        self.ignore_case = bool(flags & re.IGNORECASE)
        self.ascii = bool(flags & re.ASCII)

    def sequence(self, items: Any) -> _Node:
        nodes = tuple(self.item(op, av) for op, av in items)
        return nodes[0] if len(nodes) == 1 else _Cat(nodes)

    def item(self, op: Any, av: Any) -> _Node:
        name = str(op)
        if name == "LITERAL":
            character = chr(av)
            return _Chars(character if _usable(character) else "")
        if name == "NOT_LITERAL":
            excluded = _variants(chr(av), self.ignore_case)
            return _Chars(self.pick(lambda c: c not in excluded))
        if name == "ANY":
            return _Chars(self.pick(lambda c: c != "\n"))
        if name == "IN":
            return _Chars(self.in_class(av))
        if name == "BRANCH":
            return _Alt(tuple(self.sequence(branch) for branch in av[1]))
        if name == "SUBPATTERN":
            _group, add, remove, items = av
            saved = (self.ignore_case, self.ascii)
            self.ignore_case = _flag(self.ignore_case, add, remove, re.IGNORECASE)
            self.ascii = _flag(self.ascii, add, remove, re.ASCII)
            try:
                return self.sequence(items)
            finally:
                self.ignore_case, self.ascii = saved
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, items = av
            return _Repeat(self.sequence(items), low, None if high == _sre.MAXREPEAT else high)
        if name == "AT":  # anchors and word boundaries hold no character; the engine checks them
            return _Cat(())
        raise Unsampleable(name)

    def pick(self, member: Callable[[str], bool], extra: str = "") -> str:
        chosen = [c for c in _UNIVERSE if member(c)]
        seen = set(chosen)
        chosen += [c for c in extra if c not in seen and _usable(c) and member(c)]
        return "".join(dict.fromkeys(chosen))[:ALPHABET_LIMIT]

    def in_class(self, items: Any) -> str:
        negate = bool(items) and str(items[0][0]) == "NEGATE"
        tests = list(items[1:] if negate else items)

        def hit(character: str) -> bool:
            for variant in _variants(character, self.ignore_case):
                for op, av in tests:
                    name = str(op)
                    if name == "LITERAL" and variant == chr(av):
                        return True
                    if name == "RANGE" and av[0] <= ord(variant) <= av[1]:
                        return True
                    if name == "CATEGORY" and _category(str(av), variant, self.ascii):
                        return True
            return False

        extra = ""
        if not negate:  # characters the class names outside the preferred ones (e.g. Greek letters)
            for op, av in tests:
                if str(op) == "LITERAL":
                    extra += chr(av)
                elif str(op) == "RANGE":
                    extra += "".join(
                        chr(code) for code in range(av[0], min(av[1], av[0] + ALPHABET_LIMIT) + 1)
                    )
        return self.pick(lambda c: hit(c) != negate, extra)


# -- sampling


def _bits(mask: int) -> Iterator[int]:
    """The set bits of `mask`, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _sum(a: int, b: int, full: int) -> int:
    """Lengths of a then b: {x + y} for x in a, y in b, below the cap."""
    result = 0
    for shift in _bits(b):
        result |= a << shift
    return result & full


def _single(mask: int) -> bool:
    return mask != 0 and mask & (mask - 1) == 0


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


Built = tuple[int, list[str]]
"""(size, positions): how many distinct values a row of positions spells, and the row."""


class Sampler:
    """Values of one pattern, by length. Deterministic: the same pattern, the same values."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        try:
            parsed = _parser.parse(pattern)
        except re.error as error:
            raise Unsampleable(str(error)) from None
        self.root = _Tree(parsed.state.flags).sequence(parsed)
        self._lengths: dict[tuple[int, int], int] = {}
        self._suffixes: dict[tuple[int, int], list[int]] = {}
        self._built: dict[tuple[object, ...], Built | None] = {}
        self._copies: dict[tuple[int, int], tuple[_Node, ...]] = {}
        self._steps = 0

    def lengths(self, cap: int) -> int:
        """Bit mask of the lengths (at most `cap`) values of the pattern can have."""
        return self._lengths_of(self.root, cap)

    def positions(self, length: int, need: int, cap: int | None = None) -> Built | None:
        """A row of exactly `length` positions spelling values of the pattern: the first found
        with at least `need` distinct values, else the one with the most. `cap` (at least
        `length`) bounds the lengths considered while searching."""
        cap = length if cap is None else cap
        if not length <= cap <= LENGTH_LIMIT or not self.lengths(cap) >> length & 1:
            return None
        return self._build(self.root, length, need, cap)

    # -- lengths

    def _lengths_of(self, node: _Node, cap: int) -> int:
        key = (id(node), cap)
        found = self._lengths.get(key)
        if found is not None:
            return found
        full = (1 << (cap + 1)) - 1
        if isinstance(node, _Chars):
            result = 0b10 if node.characters and cap >= 1 else 0
        elif isinstance(node, _Cat):
            result = self._suffix(node.items, 0, cap)
        elif isinstance(node, _Alt):
            result = 0
            for option in node.options:
                result |= self._lengths_of(option, cap)
        else:
            result = self._repeat_lengths(node, cap, full)
        self._lengths[key] = result
        return result

    def _suffix(self, items: tuple[_Node, ...], index: int, cap: int) -> int:
        """Lengths of items[index:] in a row."""
        key = (id(items), cap)
        sums = self._suffixes.get(key)
        if sums is None:
            full = (1 << (cap + 1)) - 1
            sums = [1]
            for item in reversed(items):
                sums.append(_sum(sums[-1], self._lengths_of(item, cap), full))
            sums.reverse()
            self._suffixes[key] = sums
        return sums[index]

    def _repeat_lengths(self, node: _Repeat, cap: int, full: int) -> int:
        one = self._lengths_of(node.item, cap)
        result = 1 if node.low == 0 else 0
        current, count = 1, 0
        while node.high is None or count < node.high:
            count += 1
            following = _sum(current, one, full)
            if count >= node.low:
                result |= following
            if following == 0 or (following == current and count >= node.low):
                break  # nothing fits any more, or every reachable length is reached
            current = following
        return result

    # -- rows of positions

    def _tick(self) -> None:
        self._steps += 1
        if self._steps > _STEP_BUDGET:
            raise Unsampleable("the pattern has too many ways to be spelled")

    def _build(self, node: _Node, length: int, need: int, cap: int) -> Built | None:
        key = ("node", id(node), length, need, cap)
        if key in self._built:
            return self._built[key]
        self._tick()
        result: Built | None = None
        if self._lengths_of(node, cap) >> length & 1:
            if isinstance(node, _Chars):
                result = (len(node.characters), [node.characters])
            elif isinstance(node, _Alt):
                result = _best(
                    (self._build(option, length, need, cap) for option in node.options), need
                )
            elif isinstance(node, _Cat):
                result = self._sequence(node.items, 0, length, need, cap)
            else:
                result = self._repeat(node, length, need, cap)
        self._built[key] = result
        return result

    def _sequence(
        self, items: tuple[_Node, ...], index: int, length: int, need: int, cap: int
    ) -> Built | None:
        """items[index:] spelling `length` characters. Items of one possible length are laid
        out in a loop; at an item of several, each of its lengths is tried, shortest first."""
        key = ("row", id(items), index, length, need, cap)
        if key in self._built:
            return self._built[key]
        self._tick()
        result: Built | None = None
        if self._suffix(items, index, cap) >> length & 1:
            size, positions = 1, list[str]()
            while index < len(items) and _single(self._lengths_of(items[index], cap)):
                width = self._lengths_of(items[index], cap).bit_length() - 1
                built = self._build(items[index], width, _ceil_div(need, size), cap)
                if built is None:
                    break
                size, positions = size * built[0], positions + built[1]
                length, index = length - width, index + 1
            else:
                if index == len(items):
                    result = (size, positions) if length == 0 else None
                else:
                    result = self._split(items, index, length, need, cap, (size, positions))
        self._built[key] = result
        return result

    def _split(
        self,
        items: tuple[_Node, ...],
        index: int,
        length: int,
        need: int,
        cap: int,
        before: Built,
    ) -> Built | None:
        size, positions = before
        rest = self._suffix(items, index + 1, cap)

        def candidates() -> Iterator[Built | None]:
            for taken in _bits(self._lengths_of(items[index], cap)):
                if taken > length:
                    return
                if not rest >> (length - taken) & 1:
                    continue
                head = self._build(items[index], taken, _ceil_div(need, size), cap)
                if head is None:
                    continue
                remaining = _ceil_div(need, size * head[0])
                tail = self._sequence(items, index + 1, length - taken, remaining, cap)
                if tail is not None:
                    yield size * head[0] * tail[0], positions + head[1] + tail[1]

        return _best(candidates(), need)

    def _repeat(self, node: _Repeat, length: int, need: int, cap: int) -> Built | None:
        """The fewest copies of the item that spell `length` characters."""
        one = self._lengths_of(node.item, cap)
        full = (1 << (cap + 1)) - 1
        current, count = 1, 0
        while not (count >= node.low and current >> length & 1):
            if node.high is not None and count >= node.high:
                return None
            following = _sum(current, one if count < node.low else one & ~1, full)
            if following == 0 or (following == current and count >= node.low):
                return None
            current, count = following, count + 1
        if count > _COPIES_LIMIT and not _single(one):
            raise Unsampleable("too many copies of a repeat of several lengths")
        copies = self._copies.setdefault((id(node), count), (node.item,) * count)
        return self._sequence(copies, 0, length, need, cap)


def _best(candidates: Iterator[Built | None], need: int) -> Built | None:
    """The first candidate with at least `need` values, else the one with the most."""
    best: Built | None = None
    for candidate in candidates:
        if candidate is None:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
        if best[0] >= need:
            break
    return best


@functools.cache
def sampler(pattern: str) -> Sampler | None:
    """The pattern's sampler, or None when values cannot be built for it."""
    try:
        return Sampler(pattern)
    except Unsampleable:
        return None


def _accepts(pattern: str, shape: Shape, count: int, extra: Callable[[str], bool] | None) -> bool:
    for n in range(count):
        value = shape.value(n)
        if not matches(pattern, value) or (extra is not None and not extra(value)):
            return False
    return True


def _shape_of_length(
    pattern: str, length: int, need: int, extra: Callable[[str], bool] | None, cap: int = 0
) -> Shape | None:
    found = sampler(pattern)
    if found is None:
        return None
    try:
        built = found.positions(length, need, max(cap, length))
    except Unsampleable:
        return None
    if built is None or built[0] < need:
        return None
    shape = Shape.of(built[1])
    return shape if _accepts(pattern, shape, need, extra) else None


def shape_for(
    pattern: str,
    min_length: int,
    max_length: int | None,
    need: int = 1,
    extra: Callable[[str], bool] | None = None,
) -> Shape | None:
    """The shortest shape of `min_length` to `max_length` characters whose first `need` values
    the app accepts (and `extra`, when given, too), or None when none is found."""
    found = sampler(pattern)
    if found is None:
        return None
    try:
        floor = max(min_length, 0)
        cap = min(max_length if max_length is not None else LENGTH_LIMIT, floor + 64, LENGTH_LIMIT)
        if max_length is not None and max_length < floor:
            return None
        mask = found.lengths(cap) >> floor << floor
        if mask == 0:  # the shortest value is longer than the window: look further
            cap = min(max_length if max_length is not None else LENGTH_LIMIT, LENGTH_LIMIT)
            mask = found.lengths(cap) >> floor << floor
    except Unsampleable:
        return None
    for tried, length in enumerate(_bits(mask)):
        if tried == _LENGTHS_TRIED:
            break
        shape = _shape_of_length(pattern, length, need, extra, cap)
        if shape is not None:
            return shape
    return None


def value_of_length(pattern: str, length: int) -> str | None:
    """A value of exactly `length` characters the app accepts, or None."""
    if length < 0:
        return None
    shape = _shape_of_length(pattern, length, 1, None)
    return None if shape is None else shape.value(0)
