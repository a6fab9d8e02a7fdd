"""The search page and the suggestion endpoint, through the Django test client."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation


def _search_url(language="en"):
    with translation.override(language):
        return reverse("kb:search")


@pytest.mark.django_db
def test_page_lists_results_in_rank_order(client):
    response = client.get(_search_url(), {"q": "learning rate"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="search-result"') == 2
    assert html.index("transformer-learning-rate") < html.index("llm-fine-tuning")
    assert "<mark>" in html


@pytest.mark.django_db
def test_page_shows_facets_and_filters(client):
    response = client.get(_search_url(), {"q": "learning rate", "category": "training"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="search-result"') == 1
    assert "category=large-language-models" in html  # switch to the other category
    assert 'aria-current="true" class="active"' in html


@pytest.mark.django_db
def test_page_tag_filter(client):
    response = client.get(_search_url(), {"q": "学习率", "tag": "fine-tuning"})
    assert response.status_code == 200
    assert response.content.decode().count('class="search-result"') == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "parameters",
    [
        {"q": "nginx", "page": "0"},
        {"q": "nginx", "page": "-3"},
        {"q": "nginx", "page": "abc"},
        {"q": "nginx", "page": "99"},
        {"q": "nginx", "category": "no-such-category"},
        {"q": "nginx", "tag": "no-such-tag"},
        {"q": "x" * 10_001},
    ],
)
def test_invalid_input_gives_400_page(client, parameters):
    response = client.get(_search_url(), parameters)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("parameters", [{"category": "nope"}, {"tag": "a"}, {"page": "0"}], ids=str)
def test_invalid_filter_keeps_query(client, parameters):
    response = client.get(_search_url("zh-hans"), {"q": "学习率", **parameters})
    html = response.content.decode()

    assert response.status_code == 400
    assert 'value="学习率"' in html
    assert 'href="/zh-hans/search/?q=%E5%AD%A6%E4%B9%A0%E7%8E%87"' in html


@pytest.mark.django_db
def test_unknown_category_names_value_and_allowed_slugs(client):
    response = client.get(_search_url("zh-hans"), {"q": "学习率", "category": "nope"})
    html = response.content.decode()

    assert "没有分类的短名是“nope”" in html
    assert "deployment-mlops, large-language-models, model-architecture, training" in html


@pytest.mark.django_db
def test_unknown_tag_names_value_and_allowed_slugs(client):
    response = client.get(_search_url(), {"q": "nginx", "tag": ["nginx", "zzz"]})
    html = response.content.decode()

    assert "Unknown tag slugs: zzz. Allowed: " in html
    assert "nginx, " in html


@pytest.mark.django_db
def test_invalid_page_error_in_reader_language(client):
    response = client.get(_search_url("zh-hans"), {"q": "nginx", "page": "0"})
    assert response.status_code == 400
    assert '<html lang="zh-hans">' in response.content.decode()


@pytest.mark.django_db
def test_pagination_links(client, make_topic):
    for number in range(12):
        make_topic(slug=f"tapir-{number}", title_en=f"Tapir {number}")
    first = client.get(_search_url(), {"q": "tapir"}).content.decode()
    second = client.get(_search_url(), {"q": "tapir", "page": "2"}).content.decode()
    assert first.count('class="search-result"') == 10
    assert second.count('class="search-result"') == 2
    assert 'rel="next"' in first
    assert 'rel="prev"' in second


@pytest.mark.django_db
def test_empty_result_shows_help(client):
    html = client.get(_search_url(), {"q": "xylophone"}).content.decode()
    assert 'class="search-result"' not in html
    assert "search-help" in html


@pytest.mark.django_db
def test_typo_shows_did_you_mean_link(client):
    html = client.get(_search_url(), {"q": "learnig rate"}).content.decode()
    assert "search-suggestion" in html
    assert "?q=learning+rate" in html


@pytest.mark.django_db
def test_stop_words_show_notice(client):
    html = client.get(_search_url(), {"q": "the of"}).content.decode()
    assert "search-notice" in html
    assert 'class="search-result"' not in html


@pytest.mark.django_db
def test_drafts_visible_to_staff_only(staff_client, make_topic):
    make_topic(slug="secret-draft", title_en="Pangolin", status="draft")
    anonymous = Client()
    assert "secret-draft" not in anonymous.get(_search_url(), {"q": "pangolin"}).content.decode()
    assert "secret-draft" in staff_client.get(_search_url(), {"q": "pangolin"}).content.decode()


@pytest.mark.django_db
def test_search_box_points_at_search_page(client):
    with translation.override("en"):
        html = client.get(reverse("kb:home")).content.decode()
    assert 'action="/en/search/"' in html


@pytest.mark.django_db
def test_suggest_returns_titles_in_language(client):
    with translation.override("zh-hans"):
        url = reverse("kb:search-suggest")
    data = client.get(url, {"q": "位置"}).json()
    assert data["suggestions"][0]["slug"] == "positional-encoding"
    assert data["suggestions"][0]["url"] == "/zh-hans/topics/positional-encoding/"


@pytest.mark.django_db
def test_suggest_rejects_overlong_query(client):
    with translation.override("en"):
        url = reverse("kb:search-suggest")
    response = client.get(url, {"q": "x" * 10_001})

    assert response.status_code == 400
    assert response.json() == {
        "error": "q is too long: the limit is 10000 characters.",
        "suggestions": [],
    }


@pytest.mark.django_db
def test_suggest_matches_word_prefix(client):
    with translation.override("en"):
        url = reverse("kb:search-suggest")
    slugs = [item["slug"] for item in client.get(url, {"q": "rerank"}).json()["suggestions"]]
    assert slugs == ["rag-optimization"]
