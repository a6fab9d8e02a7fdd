"""Link the first mention of each glossary term in rendered topic HTML."""

import html
import re
from dataclasses import dataclass

# Text inside these elements is never linked: links, code, formulas and headings.
_SKIPPED_TAGS = {"a", "code", "pre", "math", "h1", "h2", "h3", "h4", "h5", "h6"}
_TAG = re.compile(r"(<[^>]+>)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")


@dataclass(frozen=True)
class LinkTarget:
    spelling: str
    url: str
    title: str


def _term_pattern(spellings: list[str]) -> re.Pattern | None:
    alternatives = []
    for spelling in sorted(set(spellings), key=len, reverse=True):
        escaped = re.escape(html.escape(spelling, quote=False))
        # Latin terms match whole words only, so "RAG" does not link inside "fragment".
        if spelling.isascii():
            escaped = rf"(?<![A-Za-z0-9]){escaped}(?![A-Za-z0-9])"
        alternatives.append(escaped)
    if not alternatives:
        return None
    return re.compile("|".join(alternatives), re.IGNORECASE)


def link_glossary_terms(fragment: str, targets: list[LinkTarget]) -> str:
    """Wrap the first occurrence of each target's spelling in a link.

    `fragment` is sanitised HTML; text in links, code, formulas and headings is left alone.
    """
    by_spelling = {target.spelling.lower(): target for target in targets}
    pattern = _term_pattern([target.spelling for target in targets])
    if pattern is None:
        return fragment

    linked_urls: set[str] = set()
    skip_depth = 0
    parts = _TAG.split(fragment)
    for index, part in enumerate(parts):
        if part.startswith("<"):
            skip_depth += _skip_change(part)
            continue
        if skip_depth == 0 and part:
            parts[index] = _link_text(part, pattern, by_spelling, linked_urls)
    return "".join(parts)


def _skip_change(tag: str) -> int:
    match = _TAG_NAME.match(tag)
    if not match or match.group(1).lower() not in _SKIPPED_TAGS or tag.endswith("/>"):
        return 0
    return -1 if tag.startswith("</") else 1


def _link_text(text, pattern, by_spelling, linked_urls) -> str:
    def replace(match: re.Match) -> str:
        target = by_spelling.get(html.unescape(match.group(0)).lower())
        if target is None or target.url in linked_urls:
            return match.group(0)
        linked_urls.add(target.url)
        return (
            f'<a class="term" href="{html.escape(target.url)}" '
            f'title="{html.escape(target.title)}">{match.group(0)}</a>'
        )

    return pattern.sub(replace, text)
