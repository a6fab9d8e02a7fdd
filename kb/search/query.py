"""Parse the web-search syntax of a query, without touching the database.

Syntax:
- words separated by spaces must all match: `transformer 学习率 warmup`;
- "quoted words" match as a phrase; an unclosed quote runs to the end;
- a leading minus excludes: `-bert`, `-"grid search"`;
- OR (upper case) or | between two items matches either: `attention OR -bert`.
  OR binds tighter than the implicit AND, so `a b OR c` means a AND (b OR c).
Every other character is plain text; the tsquery is built from the parsed units
later, so no user text reaches PostgreSQL's query syntax.
"""

from dataclasses import dataclass

# Units beyond this many are ignored, which bounds the size of the tsquery.
MAX_UNITS = 32

_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "「": "」", "『": "』", "＂": "＂"}
_MINUS = "-－"
_OR_WORDS = {"OR", "|", "||"}


@dataclass(frozen=True)
class Unit:
    """One word group or phrase of the query; start and end index the query text."""

    text: str
    phrase: bool
    negated: bool
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """Units joined by OR; a query matches when all its clauses match."""

    units: tuple[Unit, ...]


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...]
    # True when units beyond MAX_UNITS were dropped.
    truncated: bool = False


def _is_space(character: str) -> bool:
    return character.isspace() or character == "\x00" or not character.isprintable()


def _lex(text: str) -> list[Unit | str]:
    """Split the query into units and the string "OR"."""
    items: list[Unit | str] = []
    index, length = 0, len(text)
    while index < length:
        character = text[index]
        if _is_space(character):
            index += 1
            continue

        start = index
        negated = False
        if character in _MINUS and index + 1 < length and not _is_space(text[index + 1]):
            negated = True
            index += 1
            character = text[index]

        if character in _QUOTES:
            closing = _QUOTES[character]
            end = text.find(closing, index + 1)
            end = length if end == -1 else end
            items.append(Unit(text[index + 1 : end], True, negated, start, min(end + 1, length)))
            index = end + 1
            continue

        end = index
        while end < length and not _is_space(text[end]) and text[end] not in _QUOTES:
            end += 1
        word = text[index:end]
        if word in _OR_WORDS and not negated:
            items.append("OR")
        else:
            items.append(Unit(word, False, negated, start, end))
        index = end
    return items


def parse_query(text: str) -> ParsedQuery:
    """Parse `text` into clauses of OR-ed units. Never raises on any input."""
    clauses: list[list[Unit]] = []
    joining = False
    count = 0
    truncated = False
    for item in _lex(text or ""):
        if item == "OR":
            joining = bool(clauses)
            continue
        if count == MAX_UNITS:
            truncated = True
            break
        count += 1
        if joining:
            clauses[-1].append(item)
        else:
            clauses.append([item])
        joining = False
    return ParsedQuery(tuple(Clause(tuple(units)) for units in clauses), truncated)
