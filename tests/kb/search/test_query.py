"""Query syntax and its compilation into tsquery text."""

import pytest
from django.db import connection

from kb.search.glossary import current_glossary
from kb.search.query import MAX_UNITS, parse_query
from kb.search.tsquery import compile_query


def _units(text):
    return [[(u.text, u.phrase, u.negated) for u in c.units] for c in parse_query(text).clauses]


def test_parse_words_phrases_exclusions():
    assert _units('transformer "grid search" -bert') == [
        [("transformer", False, False)],
        [("grid search", True, False)],
        [("bert", False, True)],
    ]


def test_parse_or_binds_tighter_than_and():
    assert _units("a b OR -c") == [[("a", False, False)], [("b", False, False), ("c", False, True)]]


def test_parse_unbalanced_quote_runs_to_end():
    assert _units('"learning rate') == [[("learning rate", True, False)]]


def test_parse_stray_or_is_ignored():
    assert _units("OR a OR") == [[("a", False, False)]]


def test_parse_limits_units():
    parsed = parse_query(" ".join(f"w{i}" for i in range(MAX_UNITS + 5)))
    assert len(parsed.clauses) == MAX_UNITS
    assert parsed.truncated


def _compile(text):
    return compile_query(parse_query(text), current_glossary())


def _matches(tsquery: str, document: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english', %s) @@ %s::tsquery", [document, tsquery])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_compile_or_with_exclusion_keeps_meaning():
    compiled = _compile("attention OR -bert")
    assert _matches(compiled.match, "attention is all you need")
    assert _matches(compiled.match, "no relevant words here")
    assert not _matches(compiled.match, "bert only")


@pytest.mark.django_db
def test_compile_mixed_token_splits_scripts():
    compiled = _compile("LoRA微调")
    assert "'lora'" in compiled.match
    assert "'微调'" in compiled.match


@pytest.mark.django_db
def test_compile_expands_glossary_both_ways():
    assert "'学习率'" in _compile("learning rate").match
    assert "'learn' & 'rate'" in _compile("学习率").match
    assert "'重排序'" in _compile("reranking").match


@pytest.mark.django_db
def test_compile_glossary_matches_plural_forms():
    assert "'学习率'" in _compile("learning rates").match


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["", "   ", "的 了 是", "the of and", "？！。，", "&|!:*()", "🙂🚀"]
)
def test_compile_without_words_is_empty(text):
    compiled = _compile(text)
    assert compiled.match == ""
    assert not compiled.has_positive


@pytest.mark.django_db
def test_compile_exclusions_only_is_flagged():
    compiled = _compile("-bert -gpt")
    assert compiled.match == ""
    assert compiled.has_exclusions_only


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "' OR 1=1 --",
        "a:* & b | !c <-> d",
        "'''\\\\'",
        '"unbalanced',
        "x\\' y''",
        "-\"a b\" OR -'c'",
        "学习率:A & 'x'",
    ],
)
def test_compiled_query_always_parses(text):
    compiled = _compile(text)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery, %s::tsquery", [compiled.match, compiled.rank])
