"""/api/search/: kb.search through the API, with the search page's parameters."""

import pytest

from kb.models import Topic

pytestmark = pytest.mark.django_db


def _search(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_chinese_query_finds_learning_rate_topic(api_client):
    body = _search(api_client, q="学习率")

    assert body["count"] >= 1
    assert body["query"] == "学习率"
    slugs = [hit["slug"] for hit in body["results"]]
    assert "transformer-learning-rate" in slugs
    hit = body["results"][slugs.index("transformer-learning-rate")]
    assert set(hit) == {"slug", "title", "title_html", "snippet", "language", "rank", "url"}
    assert hit["url"] == "http://testserver/zh-hans/topics/transformer-learning-rate/"
    assert "<mark>" in hit["snippet"]
    assert hit["rank"] > 0
    assert set(hit["title"]) == {"zh", "en"}


def test_english_results_link_english_pages(api_client):
    body = _search(api_client, q="learning rate", lang="en")

    hit = body["results"][0]
    assert hit["url"].startswith("http://testserver/en/topics/")
    assert hit["language"] == "en"


def test_results_are_in_rank_order(api_client):
    ranks = [hit["rank"] for hit in _search(api_client, q="transformer")["results"]]

    assert ranks == sorted(ranks, reverse=True)


def test_facets_count_categories_and_tags(api_client):
    body = _search(api_client, q="transformer")

    categories = body["facets"]["categories"]
    assert categories
    assert set(categories[0]) == {"slug", "name", "count"}
    assert sum(item["count"] for item in categories) >= body["count"]
    assert all(item["count"] > 0 for item in body["facets"]["tags"])


def test_category_filter_narrows_results(api_client):
    everything = _search(api_client, q="transformer")
    training = _search(api_client, q="transformer", category="training")

    expected = {
        item["count"] for item in everything["facets"]["categories"] if item["slug"] == "training"
    }
    assert {training["count"]} == expected


def test_tags_filter_accepts_commas_and_repeats(api_client):
    comma = api_client.get("/api/search/?q=transformer&tags=transformer,learning-rate").json()
    repeated = api_client.get(
        "/api/search/?q=transformer&tags=transformer&tags=learning-rate"
    ).json()

    assert comma["count"] == repeated["count"]
    assert [hit["slug"] for hit in comma["results"]] == ["transformer-learning-rate"]


def test_pagination_links(api_client):
    first = _search(api_client, q="transformer", page_size=1)

    assert first["page"] == 1
    assert first["page_size"] == 1
    assert first["num_pages"] == first["count"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/search/?page=2&page_size=1&q=transformer"
    second = api_client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/api/search/?page_size=1&q=transformer"
    assert second["results"][0]["slug"] != first["results"][0]["slug"]


def test_empty_query_has_no_results(api_client):
    body = _search(api_client, q="")

    assert body["count"] == 0
    assert body["results"] == []
    assert body["next"] is None


def test_typo_gets_suggestion(api_client):
    body = _search(api_client, q="learnig rate", lang="en")

    assert body["suggestion"] == "learning rate"
    assert body["count"] >= 1


def test_punctuation_only_query_gets_notice(api_client):
    body = _search(api_client, q="!!! ???")

    assert body["count"] == 0
    assert body["notice"]


@pytest.mark.parametrize("query", ['"unbalanced', "a\x00b", "😀" * 50, "x" * 10_000, "'; DROP"])
def test_odd_queries_do_not_fail(api_client, query):
    response = api_client.get("/api/search/", {"q": query})

    assert response.status_code == 200


def test_drafts_found_only_by_staff(api_client, staff_api_client, make_topic):
    make_topic(
        slug="zebra-draft",
        title_en="Zebra stripes regularization",
        body_en="Zebra stripes.",
        status=Topic.Status.DRAFT,
    )

    anonymous = _search(api_client, q="zebra", lang="en")
    staff = _search(staff_api_client, q="zebra", lang="en")

    assert "zebra-draft" not in [hit["slug"] for hit in anonymous["results"]]
    assert "zebra-draft" in [hit["slug"] for hit in staff["results"]]


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "transformer", "page": 99}, "page", None),
        ({"q": "x", "page": 0}, "page", "Enter a whole number of 1 or more for page."),
        (
            {"q": "x", "page_size": 101},
            "page_size",
            "Enter a whole number from 1 to 100 for page_size.",
        ),
        (
            {"q": "x", "page_size": "ten"},
            "page_size",
            "Enter a whole number from 1 to 100 for page_size.",
        ),
        ({"q": "x", "lang": "fr"}, "lang", "Unknown language “fr”: use zh or en."),
        (
            {"q": "x", "category": "nowhere"},
            "category",
            "No category has the slug “nowhere”. Allowed: deployment-mlops, "
            "large-language-models, model-architecture, training.",
        ),
        ({"q": "x", "tags": "rag,nowhere"}, "tags", None),
        ({"q": "x" * 10_001}, "q", "q is too long: the limit is 10000 characters."),
        ({"q": "x", "category": "tr\x00aining"}, "category", None),
    ],
)
def test_invalid_search_parameters_are_400(api_client, params, field, message):
    fields = _fields(api_client.get("/api/search/", params))

    assert list(fields) == [field]
    if message is not None:
        assert fields[field] == [message]


def test_errors_follow_accept_language(api_client):
    response = api_client.get("/api/search/", {"q": "nginx", "page": 2}, HTTP_ACCEPT_LANGUAGE="en")

    assert _fields(response) == {"page": ["Page 2 does not exist: the results have 1 page."]}


def test_errors_ignore_content_language(api_client):
    response = api_client.get(
        "/api/search/", {"q": "nginx", "page": 2, "lang": "en"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert _fields(response) == {"page": ["第 2 页不存在：结果共有 1 页。"]}


def test_search_answers_conditional_get(api_client):
    first = api_client.get("/api/search/?q=rag")

    again = api_client.get("/api/search/?q=rag", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
