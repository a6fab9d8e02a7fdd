"""The glossary as search uses it: term lookup for expansion and the segmenter's dictionary.

Each process keeps one GlossaryIndex. A glossary change in this process
(`invalidate`, called by a signal) makes the next search reload it. Changes made
by other processes are noticed within CHECK_INTERVAL seconds through a cheap
version query (row count and latest update time), so nothing assumes one process.
"""

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

from .lexemes import combine, english_tsqueries, quote_lexeme, without_phrases
from .segmentation import HAN_RUN, Segmenter, Token, base_segmenter, script_tokens

logger = logging.getLogger(__name__)

# Seconds between version checks for glossary changes made by other processes.
CHECK_INTERVAL = 2.0


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary term: its spellings in both languages and their tsqueries."""

    term_id: int
    spellings: tuple[str, ...]
    # One tsquery text per spelling that has searchable words.
    tsqueries: tuple[str, ...]


class GlossaryIndex:
    """Glossary terms keyed by the normalised word sequence of each spelling.

    A key is a tuple with one element per word: the English tsquery of a Latin
    word (so "learning rates" and "learning rate" give the same key) or the
    Chinese word itself.
    """

    def __init__(self, version: tuple, segmenter: Segmenter, entries_by_key: dict):
        self.version = version
        self.segmenter = segmenter
        self.entries_by_key: dict[tuple[str, ...], list[GlossaryEntry]] = entries_by_key
        self.max_key_length = max((len(key) for key in entries_by_key), default=0)
        # Terms by each word of their multi-word spellings ("sinusoidal" gives
        # "sinusoidal positional encoding"), for queries that match nothing as typed.
        self.entries_by_word: dict[str, list[GlossaryEntry]] = {}
        for key, entries in entries_by_key.items():
            if len(key) < 2:
                continue
            for word in key:
                listed = self.entries_by_word.setdefault(word, [])
                listed.extend(entry for entry in entries if entry not in listed)

    def match(self, keys: Sequence[str]) -> list[tuple[int, int, list[GlossaryEntry]]]:
        """Find glossary spellings in a key sequence, longest match first, left to right.

        Returns (start, end, entries) spans over `keys`; words outside every
        span are not listed.
        """
        spans = []
        index = 0
        while index < len(keys):
            for length in range(min(self.max_key_length, len(keys) - index), 0, -1):
                entries = self.entries_by_key.get(tuple(keys[index : index + length]))
                if entries:
                    spans.append((index, index + length, entries))
                    index += length
                    break
            else:
                index += 1
        return spans


def token_keys(tokens: Sequence[Token]) -> list[str]:
    """Return the glossary key element of each token ("" for an English stop word)."""
    latin = english_tsqueries(token.text for token in tokens if token.kind == "latin")
    return [latin[token.text] if token.kind == "latin" else token.text for token in tokens]


def spelling_tsquery(spelling: str, segmenter: Segmenter) -> str:
    """Return the tsquery text of a spelling: all of its words, joined with &.

    "learning rate" gives 'learn' & 'rate', 学习率 gives '学习率' and "Adam优化器"
    gives 'adam' & '优化器'. Words are not required to be adjacent because phrase
    matching costs a recheck of every candidate document (lexemes.without_phrases).
    """
    latin_parts, han_words = [], []
    for token in script_tokens(spelling):
        if token.kind == "latin":
            latin_parts.append(token.text)
        else:
            han_words.extend(segmenter.cut(token.text))
    latin = " ".join(latin_parts)
    parts = [
        without_phrases(english_tsqueries([latin])[latin]) if latin else "",
        combine([quote_lexeme(word) for word in han_words], "&"),
    ]
    return combine(parts, "&")


def _glossary_version() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(updated_at) FROM kb_glossaryterm")
        return tuple(cursor.fetchone())


def _load(version: tuple) -> GlossaryIndex:
    from ..models import GlossaryTerm

    terms = list(GlossaryTerm.objects.order_by("pk"))
    han_words = [
        run
        for term in terms
        for spelling in term.all_spellings()
        for run in HAN_RUN.findall(spelling)
    ]
    segmenter = base_segmenter().with_words(han_words)

    entries_by_key: dict[tuple[str, ...], list[GlossaryEntry]] = {}
    for term in terms:
        spellings = tuple(dict.fromkeys(s.strip() for s in term.all_spellings() if s.strip()))
        tsqueries = tuple(
            query for query in (spelling_tsquery(s, segmenter) for s in spellings) if query
        )
        entry = GlossaryEntry(term.pk, spellings, tsqueries)
        for spelling in spellings:
            key = tuple(k for k in token_keys(segmenter.tokens(spelling)) if k)
            if key and entry not in entries_by_key.setdefault(key, []):
                entries_by_key[key].append(entry)
    logger.info("Loaded %d glossary terms for search (version %s)", len(terms), version)
    return GlossaryIndex(version, segmenter, entries_by_key)


_lock = threading.Lock()
_index: GlossaryIndex | None = None
_checked_at = 0.0


def current_glossary() -> GlossaryIndex:
    """Return the glossary index, reloading it when the glossary table changed."""
    global _index, _checked_at
    now = time.monotonic()
    if _index is not None and now - _checked_at < CHECK_INTERVAL:
        return _index
    with _lock:
        version = _glossary_version()
        if _index is None or _index.version != version:
            _index = _load(version)
        _checked_at = now
        return _index


def invalidate() -> None:
    """Make the next search check the glossary version (after a change in this process)."""
    global _checked_at
    _checked_at = 0.0
