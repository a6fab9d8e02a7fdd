"""Optimistic concurrency of API writes: the `version` field (409) and If-Match (412)."""

import pytest

from kb.models import Topic

pytestmark = pytest.mark.django_db

URL = "/api/topics/shared-topic/"


@pytest.fixture
def topic(make_topic):
    return make_topic(slug="shared-topic", title_zh="共享主题", title_en="Shared topic")


def test_detail_shows_version(api_client, topic):
    assert api_client.get(URL).json()["version"] == topic.version


def test_patch_with_current_version_saves(writer_client, topic):
    response = writer_client.patch(
        URL, {"title": {"en": "Edited"}, "version": topic.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == topic.version + 1


def test_stale_version_is_409_and_keeps_first_edit(writer_client, staff_api_client, topic):
    loaded = topic.version
    first = staff_api_client.patch(
        URL, {"title": {"en": "First edit"}, "version": loaded}, format="json"
    )
    assert first.status_code == 200

    second = writer_client.patch(
        URL,
        {"title": {"en": "Second edit"}, "version": loaded},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "edit_conflict"
    assert "changed by chief" in error["message"]
    topic.refresh_from_db()
    assert topic.title_en == "First edit"


def test_conflict_message_in_chinese(writer_client, topic):
    response = writer_client.put(
        URL,
        {"title": {"zh": "新", "en": "New"}, "version": topic.version - 1},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 409
    assert "你的修改没有保存" in response.json()["error"]["message"]


def test_if_match_with_current_etag_saves(writer_client, topic):
    etag = writer_client.get(URL)["ETag"]
    response = writer_client.patch(
        URL, {"summary": {"en": "With If-Match"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    topic.refresh_from_db()
    assert topic.summary_en == "With If-Match"


def test_if_match_after_other_edit_is_412(writer_client, staff_api_client, topic):
    etag = writer_client.get(URL)["ETag"]
    staff_api_client.patch(URL, {"summary": {"en": "Someone else"}}, format="json")

    response = writer_client.patch(
        URL, {"summary": {"en": "Mine"}}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    topic.refresh_from_db()
    assert topic.summary_en == "Someone else"


def test_if_match_star_requires_only_existence(writer_client, topic):
    response = writer_client.patch(
        URL, {"summary": {"en": "Any state"}}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 200


def test_weak_etag_matches(writer_client, topic):
    etag = writer_client.get(URL)["ETag"]
    response = writer_client.patch(
        URL, {"summary": {"en": "Weak"}}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )
    assert response.status_code == 200


def test_write_without_precondition_still_works(writer_client, topic):
    response = writer_client.patch(URL, {"summary": {"en": "No check"}}, format="json")
    assert response.status_code == 200


def test_version_must_be_a_non_negative_integer(writer_client, topic):
    response = writer_client.patch(URL, {"version": -1}, format="json")
    assert response.status_code == 400
    assert "version" in response.json()["error"]["fields"]


def test_version_is_ignored_on_create(writer_client):
    response = writer_client.post(
        "/api/topics/", {"title": {"en": "Brand new"}, "version": 99}, format="json"
    )
    assert response.status_code == 201
    assert Topic.objects.get(title_en="Brand new").version == 1


def test_database_outage_is_503_envelope(api_client, monkeypatch):
    from django.db import OperationalError

    from api.views import topics

    def fail(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(topics, "topics_with_links", fail)
    response = api_client.get("/api/topics/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": {
            "code": "service_unavailable",
            "message": "The database is unavailable. Retry in a few seconds.",
        }
    }


def test_anonymous_reads_are_cached_until_an_edit(api_client, writer_client, topic):
    first = api_client.get(URL)
    second = api_client.get(URL)
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert first.json() == second.json()

    writer_client.patch(URL, {"summary": {"en": "After the cache"}}, format="json")
    third = api_client.get(URL)
    assert third["X-Cache"] == "miss"
    assert third.json()["summary"]["en"] == "After the cache"


def test_signed_in_reads_are_not_cached(writer_client, topic):
    writer_client.get(URL)
    assert "X-Cache" not in writer_client.get(URL)
