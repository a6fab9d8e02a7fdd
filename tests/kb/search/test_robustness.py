"""No input breaks search: module and page give a normal (possibly empty) answer."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from kb.search import InvalidPage, search

NASTY_QUERIES = [
    '"unbalanced quote',
    'two "quotes" and "one more',
    "?!。，、；：…—",
    "的 了 是 在",
    "the and of to",
    "x" * 10_000,
    "学习率 " * 2_000,
    "null\x00byte\x00学习率",
    "emoji 🙂🚀 学习率 🎉",
    "' OR 1=1 --",
    "'; DROP TABLE kb_topic; --",
    "&|!:*",
    "a & b | !c <-> d:* (e)",
    "\\' \\\\ ''",
    "OR OR OR",
    "- -- ---",
    "\u202e\u200b\ufeff",
    "\ud7ff\ue000\uffff",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", NASTY_QUERIES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_search_module_survives(query, language):
    results = search(query, language=language)
    assert results.total == len(results.hits) or results.total > len(results.hits)


@pytest.mark.django_db
@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_search_page_survives(client, query):
    response = client.get(reverse("kb:search"), {"q": query})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["的 了", "the of", "？！。", "&|!:*", "🙂"])
def test_no_searchable_words_gives_notice(query):
    results = search(query, language="en")
    assert results.hits == []
    assert results.total == 0
    assert results.notice


@pytest.mark.django_db
@pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "kb/locale/zh_Hans/LC_MESSAGES/django.mo").exists(),
    reason="the Chinese message catalogue is not compiled",
)
def test_notice_is_translated():
    assert search("的", language="zh").notice != search("的", language="en").notice


@pytest.mark.django_db
def test_exclusions_only_return_nothing():
    results = search("-bert", language="en")
    assert results.hits == []
    assert results.notice


@pytest.mark.django_db
def test_long_query_is_truncated_with_notice():
    results = search(" ".join(["learning"] * 40), language="en")
    assert results.notice
    assert results.total >= 1


@pytest.mark.django_db
def test_unmatched_word_is_left_out_with_notice():
    results = search("位置编码 公式", language="en")

    assert [hit.topic.slug for hit in results.hits] == ["positional-encoding"]
    assert results.notice == "No topic contains every word. Showing results without: 公式."


@pytest.mark.django_db
def test_unmatched_glossary_phrase_keeps_its_matching_words():
    results = search("concept drift", language="zh")

    assert [hit.topic.slug for hit in results.hits] == ["model-health-in-production"]
    assert results.notice == "没有主题包含所有词。以下结果未要求这些词：concept。"


@pytest.mark.django_db
def test_unmatched_word_searches_glossary_terms_containing_it():
    results = search("sinusoidal", language="en")

    assert [hit.topic.slug for hit in results.hits] == ["positional-encoding"]
    assert results.notice == (
        "No topic contains “sinusoidal”, so glossary terms that contain it were searched."
    )


@pytest.mark.django_db
def test_relaxed_search_has_later_pages():
    first = search("transformer zzzqx", language="en", page_size=1)
    second = search("transformer zzzqx", language="en", page_size=1, page=2)

    assert first.num_pages >= 2
    assert second.page == 2
    assert second.hits
    assert second.hits[0].topic != first.hits[0].topic


@pytest.mark.django_db
def test_page_beyond_empty_results_is_invalid():
    with pytest.raises(InvalidPage):
        search("zzzqx", language="en", page=2)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["zzzqx 公式", "-transformer zzzqx", "zzzqx"])
def test_query_without_matching_words_stays_empty(query):
    results = search(query, language="en")

    assert results.total == 0
    assert results.hits == []


@pytest.mark.django_db
def test_suggest_survives_nasty_input(client):
    for query in NASTY_QUERIES:
        response = client.get(reverse("kb:search-suggest"), {"q": query})
        assert response.status_code == 200
        assert isinstance(response.json()["suggestions"], list)
