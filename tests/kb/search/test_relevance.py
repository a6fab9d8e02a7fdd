"""Relevance over the shipped content: at least 95% of the cases must pass."""

import pytest

from kb.search import search

from .relevance_cases import RELEVANCE_CASES

REQUIRED_SCORE = 0.95


def _passes(query: str, slug: str, mode: str, language: str) -> tuple[bool, list[str]]:
    slugs = [hit.topic.slug for hit in search(query, language=language).hits]
    if mode == "first":
        return slugs[:1] == [slug], slugs
    return slug in slugs[:3], slugs


@pytest.mark.django_db
def test_relevance_score(record_property):
    assert len(RELEVANCE_CASES) >= 40
    failures = []
    checks = 0
    for query, slug, mode in RELEVANCE_CASES:
        for language in ("zh", "en"):
            checks += 1
            passed, slugs = _passes(query, slug, mode, language)
            if not passed:
                failures.append(f"{query!r} ({language}): expected {slug} {mode}, got {slugs[:3]}")

    score = (checks - len(failures)) / checks
    summary = f"relevance {score:.1%} ({checks - len(failures)}/{checks} checks)"
    print(summary)
    record_property("relevance_score", f"{score:.4f}")
    assert score >= REQUIRED_SCORE, summary + "; failed: " + "; ".join(failures)
