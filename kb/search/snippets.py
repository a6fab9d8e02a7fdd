"""Highlighted titles and snippets, built from the topic's own text.

Snippets come from the Markdown source in the reader's language, reduced to
plain text. The text is escaped first and <mark> is put around the original
characters that matched, so Chinese text gets no spaces inserted (unlike
ts_headline over segmented text) and no topic HTML reaches the page unescaped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape

from .segmentation import HAN_CHARACTERS

# Characters of context shown per language; Chinese characters are about twice as wide.
SNIPPET_WIDTH = {"zh": 110, "en": 220}
# Share of the width shown before the first match.
LEAD_FRACTION = 0.25
ELLIPSIS = "…"

_FENCE = re.compile(r"^\s*(```|~~~).*$", re.MULTILINE)
_FENCED_BLOCK = re.compile(
    r"(^[ ]{0,3}(?:```|~~~).*?(?:^[ ]{0,3}(?:```|~~~)[ \t]*$|\Z))", re.MULTILINE | re.DOTALL
)
_HIDDEN_HTML = re.compile(
    r"<(script|style)\b.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)", re.IGNORECASE | re.DOTALL
)
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_LINE_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d{1,3}[.)]\s+|>\s*)", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}.*$", re.MULTILINE)
_SPACES = re.compile(r"\s+")
LATIN_WORD_IN_TEXT = re.compile(f"[^\\W_{HAN_CHARACTERS}]+")


@dataclass(frozen=True)
class Highlighter:
    """Terms to mark: English lexemes (via `lexeme_of`) and Chinese words as substrings."""

    latin_lexemes: frozenset[str]
    han_words: frozenset[str]
    # Maps a lowercase Latin word to its English lexeme ("" for stop words).
    lexeme_of: Callable[[str], str]

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = []
        if self.latin_lexemes:
            for match in LATIN_WORD_IN_TEXT.finditer(text):
                if self.lexeme_of(match.group().lower()) in self.latin_lexemes:
                    found.append((match.start(), match.end()))
        if self.han_words:
            words = sorted(self.han_words, key=len, reverse=True)
            pattern = re.compile("|".join(re.escape(word) for word in words))
            found.extend((match.start(), match.end()) for match in pattern.finditer(text))
        return _merge(found)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def without_hidden_html(markdown: str) -> str:
    """Remove raw HTML that the page never shows: scripts, styles and comments.

    kb.rendering.sanitise_html drops these elements with their content, so
    their text must not be searchable or appear in snippets. Fenced code
    blocks are left alone because the page shows their text. An unclosed
    <script> or <style> runs to the end, as it does for the Markdown parser.
    """
    pieces = []
    for index, piece in enumerate(_FENCED_BLOCK.split(markdown)):
        # split() with one group puts the fenced blocks at odd indexes.
        pieces.append(piece if index % 2 else _HIDDEN_HTML.sub(" ", piece))
    return "".join(pieces)


def plain_text(markdown: str) -> str:
    """Reduce Markdown to one line of readable text; formulas and hidden HTML are left out."""
    text = without_hidden_html(markdown)
    text = _FENCE.sub(" ", text)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _INLINE_MATH.sub(" ", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    text = _TABLE_RULE.sub(" ", text)
    text = _LINE_MARKER.sub("", text)
    text = _EMPHASIS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def marked_html(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape `text` and wrap each span in <mark>."""
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def _best_window(spans: list[tuple[int, int]], width: int) -> int:
    """Return the start of the window of `width` characters that holds the most matches."""
    best_start, best_count = 0, -1
    lead = int(width * LEAD_FRACTION)
    for anchor, _end in spans:
        start = max(0, anchor - lead)
        count = sum(1 for s, e in spans if s >= start and e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def _word_boundary(text: str, index: int, direction: int, limit: int = 15) -> int:
    """Move `index` off the middle of a Latin word, by at most `limit` characters."""
    for step in range(limit):
        probe = index + direction * step
        if probe <= 0 or probe >= len(text):
            return max(0, min(probe, len(text)))
        if not (
            LATIN_WORD_IN_TEXT.match(text[probe - 1]) and LATIN_WORD_IN_TEXT.match(text[probe])
        ):
            return probe
    return index


def snippet_html(text: str, highlighter: Highlighter, language: str) -> tuple[str, bool]:
    """Return the escaped, marked window of `text` around its matches, and whether any matched."""
    width = SNIPPET_WIDTH.get(language, SNIPPET_WIDTH["en"])
    spans = highlighter.spans(text)
    start = _best_window(spans, width) if spans else 0
    end = min(len(text), start + width)
    if start > 0:
        start = _word_boundary(text, start, -1)
    if end < len(text):
        end = _word_boundary(text, end, 1)
    window = text[start:end]
    window_spans = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    html = marked_html(window, window_spans)
    if start > 0:
        html = ELLIPSIS + html
    if end < len(text):
        html += ELLIPSIS
    return html, bool(window_spans)
