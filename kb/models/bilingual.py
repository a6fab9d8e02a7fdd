"""Helpers for the paired `<field>_zh` / `<field>_en` columns used by every model."""

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("zh", "en")


def content_language(language_code: str | None = None) -> str:
    """Map a Django language code (zh-hans, en-us …) to a content language: zh or en."""
    code = (language_code or get_language() or "zh").lower()
    return "en" if code.startswith("en") else "zh"


def other_language(language: str) -> str:
    return "en" if language == "zh" else "zh"


def pick(obj, field: str, language: str | None = None) -> str:
    """Return `field` in the given content language, or the other one when empty."""
    language = language or content_language()
    value = getattr(obj, f"{field}_{language}")
    return value or getattr(obj, f"{field}_{other_language(language)}")
