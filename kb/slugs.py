"""ASCII slugs for topics: from the English title, or pinyin when only Chinese exists."""

import re
import unicodedata

from pypinyin import lazy_pinyin

MAX_SLUG_LENGTH = 80
FALLBACK_SLUG = "topic"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def ascii_slug(text: str) -> str:
    """Return a lowercase ASCII slug of `text`, or "" when nothing readable is left.

    Han characters become toneless pinyin, one word per syllable; other letters
    lose their accents (é becomes e) and everything else separates words.
    Example: ascii_slug("学习率调度 (LR)") == "xue-xi-lv-diao-du-lr"
    """
    words = " ".join(lazy_pinyin(text or "", errors=lambda chars: chars))
    decomposed = unicodedata.normalize("NFKD", words)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return _truncate(slug)


def _truncate(slug: str) -> str:
    if len(slug) <= MAX_SLUG_LENGTH:
        return slug
    cut = slug[:MAX_SLUG_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def slug_from_titles(title_en: str, title_zh: str) -> str:
    """Return the base slug: the English title wins, then the Chinese, never empty."""
    return ascii_slug(title_en) or ascii_slug(title_zh) or FALLBACK_SLUG


def unique_slug(base: str, taken) -> str:
    """Return `base`, or `base-2`, `base-3` … the first that `taken(slug)` rejects."""
    if not taken(base):
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if not taken(candidate):
            return candidate
        number += 1
