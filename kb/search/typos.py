"""Correct misspelt query words with pg_trgm, for "did you mean" suggestions.

A word (or a run of Chinese characters) needs a correction when it matches no
document on its own. The correction is the most similar word, by trigram
similarity above pg_trgm.similarity_threshold (0.3 by default), in the
vocabulary of words that occur in some topic (the kb_searchterm table, filled
by kb.search.documents).
"""

from django.db import connection

from .tsquery import CompiledQuery, QueryTerm

_UNMATCHED_TERMS = """
SELECT t.position
FROM unnest(%s::text[]) WITH ORDINALITY AS t(query, position)
WHERE NOT EXISTS (
    SELECT 1 FROM kb_topicsearchdocument d
    WHERE d.document @@ t.query::tsquery AND (d.published OR %s)
)
"""

_NEAREST_WORDS = """
SELECT t.position, nearest.word
FROM unnest(%s::text[]) WITH ORDINALITY AS t(word, position)
CROSS JOIN LATERAL (
    SELECT s.word FROM kb_searchterm s
    WHERE s.word %% t.word
    ORDER BY s.word <-> t.word, s.word
    LIMIT 1
) AS nearest
"""


def _unmatched(terms: tuple[QueryTerm, ...], include_drafts: bool) -> list[QueryTerm]:
    with connection.cursor() as cursor:
        cursor.execute(_UNMATCHED_TERMS, [[term.tsquery for term in terms], include_drafts])
        positions = {row[0] for row in cursor.fetchall()}
    return [term for index, term in enumerate(terms, start=1) if index in positions]


def _nearest_words(terms: list[QueryTerm]) -> dict[QueryTerm, str]:
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST_WORDS, [[term.text.lower() for term in terms]])
        nearest = dict(cursor.fetchall())
    return {
        term: nearest[index]
        for index, term in enumerate(terms, start=1)
        if index in nearest and nearest[index] != term.text.lower()
    }


def corrected_query(query: str, compiled: CompiledQuery, include_drafts: bool) -> str | None:
    """Return `query` with each word that matches nothing replaced by its nearest word.

    Returns None when every word matches something or no near word exists.
    """
    if not compiled.terms:
        return None
    unmatched = _unmatched(compiled.terms, include_drafts)
    if not unmatched:
        return None
    replacements = _nearest_words(unmatched)
    if not replacements:
        return None

    corrected = query
    for term in sorted(replacements, key=lambda term: term.start, reverse=True):
        corrected = corrected[: term.start] + replacements[term] + corrected[term.end :]
    return corrected
