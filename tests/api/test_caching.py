"""Conditional GET: ETag and Last-Modified on reads, 304 responses, new validators after edits."""

import pytest
from django.utils.http import http_date

from kb.models import Tag, Topic

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/api/topics/",
    "/api/topics/rag-optimization/",
    "/api/categories/",
    "/api/categories/training/",
    "/api/tags/",
    "/api/tags/rag/",
    "/api/glossary/",
]


@pytest.mark.parametrize("url", READ_URLS)
def test_read_has_etag_and_answers_304(api_client, url):
    first = api_client.get(url)
    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_304_for_weak_and_listed_etags(api_client):
    etag = api_client.get("/api/topics/")["ETag"]

    weak = api_client.get("/api/topics/", HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    star = api_client.get("/api/topics/", HTTP_IF_NONE_MATCH="*")
    stale = api_client.get("/api/topics/", HTTP_IF_NONE_MATCH='"other"')

    assert weak.status_code == 304
    assert star.status_code == 304
    assert stale.status_code == 200


def test_last_modified_answers_304(api_client):
    first = api_client.get("/api/topics/rag-optimization/")

    again = api_client.get(
        "/api/topics/rag-optimization/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    older = api_client.get("/api/topics/rag-optimization/", HTTP_IF_MODIFIED_SINCE=http_date(0))

    assert again.status_code == 304
    assert older.status_code == 200


def test_if_none_match_wins_over_if_modified_since(api_client):
    first = api_client.get("/api/topics/")

    response = api_client.get(
        "/api/topics/", HTTP_IF_NONE_MATCH='"other"', HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    assert response.status_code == 200


def test_last_modified_is_latest_topic_edit(api_client):
    latest = Topic.objects.order_by("-updated_at").first().updated_at
    latest_history = Topic.history.order_by("-history_date").first().history_date

    response = api_client.get("/api/topics/")

    # The latest edit is the topic's save time or its history row's, which is
    # written a moment later and may fall in the next second.
    assert response["Last-Modified"] == http_date(max(latest, latest_history).timestamp())


def test_head_answers_304(api_client):
    etag = api_client.get("/api/topics/")["ETag"]

    assert api_client.head("/api/topics/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_etag_differs_by_query_and_visibility(api_client, staff_api_client):
    plain = api_client.get("/api/topics/")["ETag"]
    filtered = api_client.get("/api/topics/?category=training")["ETag"]
    staff = staff_api_client.get("/api/topics/")["ETag"]

    assert len({plain, filtered, staff}) == 3


def test_responses_vary_on_credentials(api_client, staff_api_client):
    anonymous = api_client.get("/api/topics/")
    staff = staff_api_client.get("/api/topics/")

    for header in ("Accept", "Authorization", "Cookie"):
        assert header in anonymous["Vary"]
    assert anonymous["Cache-Control"] == "no-cache"
    assert staff["Cache-Control"] == "private, no-cache"


def test_api_edit_changes_etag(api_client, writer_client):
    etag = api_client.get("/api/topics/rag-optimization/")["ETag"]
    list_etag = api_client.get("/api/topics/")["ETag"]

    writer_client.patch(
        "/api/topics/rag-optimization/", {"summary": {"en": "Changed."}}, format="json"
    )
    detail = api_client.get("/api/topics/rag-optimization/", HTTP_IF_NONE_MATCH=etag)
    listed = api_client.get("/api/topics/", HTTP_IF_NONE_MATCH=list_etag)

    assert detail.status_code == 200
    assert detail.json()["summary"]["en"] == "Changed."
    assert listed.status_code == 200


def test_tag_rename_changes_topic_etag(api_client):
    etag = api_client.get("/api/topics/rag-optimization/")["ETag"]

    Tag.objects.filter(slug="rag").update(name_en="Retrieval-augmented generation")

    response = api_client.get("/api/topics/rag-optimization/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200


def test_deletion_changes_list_etag(api_client, writer_client, make_topic):
    make_topic(slug="short-lived")
    etag = api_client.get("/api/topics/")["ETag"]

    writer_client.delete("/api/topics/short-lived/")

    assert api_client.get("/api/topics/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_unpublishing_related_topic_changes_etag(api_client, make_topic):
    topic = make_topic(slug="with-related")
    other = make_topic(slug="soon-draft")
    topic.related.set([other])
    etag = api_client.get("/api/topics/with-related/")["ETag"]

    other.status = Topic.Status.DRAFT
    other.save()

    response = api_client.get("/api/topics/with-related/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["related"] == []


def test_errors_carry_no_etag(api_client):
    response = api_client.get("/api/topics/?page=0")

    assert response.status_code == 400
    assert "ETag" not in response
