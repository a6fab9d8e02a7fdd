"""English lexemes from PostgreSQL, cached per process.

Stemming and stop words come from PostgreSQL's `english` text search
configuration, the one that builds the documents, so a query word and the same
word in a topic always reduce to the same lexemes. Results are cached because
the configuration does not change while the server runs.
"""

import re
from collections.abc import Iterable

from django.db import connection

# Words kept per process; about 100 bytes each.
CACHE_SIZE = 200_000

_cache: dict[str, str] = {}


def quote_lexeme(text: str) -> str:
    """Quote `text` as one tsquery or tsvector operand, escaping ' and \\."""
    escaped = text.replace("\\", "\\\\").replace("'", "''")
    return f"'{escaped}'"


def combine(parts: Iterable[str], operator: str) -> str:
    """Join tsquery texts with `operator` ("&", "|" or "<->"), dropping empty and repeated parts."""
    unique = list(dict.fromkeys(part for part in parts if part))
    if len(unique) <= 1:
        return unique[0] if unique else ""
    return "( " + f" {operator} ".join(unique) + " )"


_PHRASE_OPERATOR = re.compile(r"<(?:-|\d+)>")
_QUOTED = re.compile(r"'(?:[^'\\]|''|\\.)*'")


def without_phrases(tsquery: str) -> str:
    """Replace the phrase operators of a tsquery text by &.

    A phrase needs word positions, which the GIN index does not store, so
    PostgreSQL rechecks every candidate against its (large) document. Glossary
    expansions and hyphenated words use & instead; quoted phrases keep <->.
    """
    pieces, position = [], 0
    for match in _QUOTED.finditer(tsquery):
        pieces.append(_PHRASE_OPERATOR.sub("&", tsquery[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces.append(_PHRASE_OPERATOR.sub("&", tsquery[position:]))
    return "".join(pieces)


def english_tsqueries(texts: Iterable[str]) -> dict[str, str]:
    """Return the tsquery of each Latin-script text under the `english` configuration.

    A word gives one lexeme ('learn'), a hyphenated word or a phrase gives a
    phrase ('learn' <-> 'rate'), and a stop word gives "". The texts reach
    to_tsquery quoted, so operators in them have no effect.
    """
    result: dict[str, str] = {}
    missing = []
    for text in set(texts):
        cached = _cache.get(text)
        if cached is None:
            missing.append(text)
        else:
            result[text] = cached
    if not missing:
        return result

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t, to_tsquery('english', q)::text "
            "FROM unnest(%s::text[], %s::text[]) AS u(t, q)",
            [missing, [quote_lexeme(text) for text in missing]],
        )
        found = dict(cursor.fetchall())
    if len(_cache) + len(found) > CACHE_SIZE:
        _cache.clear()
    _cache.update(found)
    result.update(found)
    return result
