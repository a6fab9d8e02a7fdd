"""Filters, ordering and pagination of the topic list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kb.models import Category, Tag, Topic

pytestmark = pytest.mark.django_db


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_filter_by_category(api_client):
    expected = sorted(
        Topic.objects.filter(category__slug="training").values_list("slug", flat=True)
    )

    slugs = _slugs(api_client.get("/api/topics/?category=training"))

    assert sorted(slugs) == expected
    assert slugs


def test_filter_by_tags_needs_all(api_client, make_topic):
    rag, llm = Tag.objects.get(slug="rag"), Tag.objects.get(slug="llm")
    both = make_topic(slug="both-tags")
    both.tags.set([rag, llm])
    only_rag = make_topic(slug="only-rag")
    only_rag.tags.set([rag])

    comma = _slugs(api_client.get("/api/topics/?tags=rag,llm&page_size=100"))
    repeated = _slugs(api_client.get("/api/topics/?tags=rag&tags=llm&page_size=100"))

    assert "both-tags" in comma
    assert "only-rag" not in comma
    assert comma == repeated
    expected = Topic.objects.published().filter(tags=rag).filter(tags=llm).distinct().count()
    assert len(comma) == expected


def test_filter_by_updated_after(api_client, make_topic):
    moment = timezone.now()
    make_topic(slug="fresh-topic")

    slugs = _slugs(api_client.get("/api/topics/", {"updated_after": moment.isoformat()}))

    assert slugs == ["fresh-topic"]


def test_updated_after_accepts_z_suffix(api_client):
    slugs = _slugs(api_client.get("/api/topics/?updated_after=2000-01-01T00:00:00Z"))

    assert len(slugs) == 6


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("complete", {"full"}),
        ("missing-en", {"no-english"}),
        ("missing-zh", {"no-chinese"}),
    ],
)
def test_filter_by_translation_state(api_client, make_topic, state, expected):
    Topic.objects.update(status=Topic.Status.DRAFT)
    make_topic(slug="full")
    make_topic(slug="no-english", body_en="")
    make_topic(slug="no-chinese", title_zh="")

    slugs = _slugs(api_client.get(f"/api/topics/?translation={state}"))

    assert set(slugs) == expected


def test_staff_filters_drafts_by_status(staff_api_client, make_topic):
    make_topic(slug="a-draft", status=Topic.Status.DRAFT)

    drafts = _slugs(staff_api_client.get("/api/topics/?status=draft"))
    published = _slugs(staff_api_client.get("/api/topics/?status=published"))

    assert drafts == ["a-draft"]
    assert "a-draft" not in published
    assert len(published) == 6


def test_anonymous_status_published_is_accepted(api_client):
    assert len(_slugs(api_client.get("/api/topics/?status=published"))) == 6


def test_anonymous_status_draft_is_400(api_client):
    response = api_client.get("/api/topics/?status=draft")

    assert response.status_code == 400
    message = response.json()["error"]["fields"]["status"][0]
    assert message.startswith("Only staff users can list drafts")


def test_order_by_english_title(api_client):
    expected = sorted(Topic.objects.values_list("title_en", flat=True))

    results = api_client.get("/api/topics/?ordering=title_en").json()["results"]

    assert [item["title"]["en"] for item in results] == expected


def test_order_by_title_descending_uses_lang(api_client):
    expected = sorted(Topic.objects.values_list("title_en", flat=True), reverse=True)

    results = api_client.get("/api/topics/?ordering=-title&lang=en").json()["results"]

    assert [item["title"]["en"] for item in results] == expected


def test_untranslated_titles_sort_last(api_client, make_topic):
    make_topic(slug="aaa-no-english", title_en="", body_en="")

    ascending = _slugs(api_client.get("/api/topics/?ordering=title_en"))
    descending = _slugs(api_client.get("/api/topics/?ordering=-title_en"))

    assert ascending[-1] == "aaa-no-english"
    assert descending[-1] == "aaa-no-english"


def test_order_by_updated_at_then_order(api_client, make_topic):
    make_topic(slug="newest")

    newest_first = _slugs(api_client.get("/api/topics/?ordering=-updated_at,order"))

    assert newest_first[0] == "newest"


def test_default_order_is_order_then_slug(api_client):
    expected = list(Topic.objects.order_by("order", "slug").values_list("slug", flat=True))

    assert _slugs(api_client.get("/api/topics/")) == expected


def test_pages_cover_every_topic_once(api_client):
    first = api_client.get("/api/topics/?page_size=4&ordering=updated_at").json()
    second = api_client.get("/api/topics/?page_size=4&ordering=updated_at&page=2").json()

    assert first["count"] == 6
    assert first["next"] == "http://testserver/api/topics/?ordering=updated_at&page=2&page_size=4"
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/topics/?ordering=updated_at&page_size=4"
    slugs = [item["slug"] for item in first["results"] + second["results"]]
    assert sorted(slugs) == sorted(Topic.objects.values_list("slug", flat=True))


def test_page_size_at_cap_is_accepted(api_client):
    assert api_client.get("/api/topics/?page_size=100").status_code == 200


@pytest.fixture
def many_tagged_topics(db):
    """120 published topics with three tags each and a category."""
    category = Category.objects.get(slug="training")
    tags = list(Tag.objects.all()[:3])
    topics = [
        Topic(
            slug=f"bulk-{number:03d}",
            title_zh=f"主题{number}",
            title_en=f"Topic {number}",
            status=Topic.Status.PUBLISHED,
            category=category,
        )
        for number in range(120)
    ]
    created = Topic.objects.bulk_create(topics)
    through = Topic.tags.through
    through.objects.bulk_create(
        [through(topic_id=topic.pk, tag_id=tag.pk) for topic in created for tag in tags]
    )
    first = created[0]
    first.related.set(created[1:4])
    return created


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_page_size(api_client, many_tagged_topics):
    small = _count_queries(api_client, "/api/topics/?page_size=1")
    large = _count_queries(api_client, "/api/topics/?page_size=100")

    assert small == large
    # Content version, kb.cache's content version (for the cache key), count, page,
    # tags, related topics.
    assert large == 6


def test_query_count_for_staff_list(staff_api_client, many_tagged_topics):
    small = _count_queries(staff_api_client, "/api/topics/?page_size=1&tags=transformer")
    large = _count_queries(staff_api_client, "/api/topics/?page_size=100&tags=transformer")

    assert small == large


def test_updated_after_with_offset(api_client, make_topic):
    topic = make_topic(slug="offset-topic")
    before = (topic.updated_at - datetime.timedelta(seconds=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=-5))
    )

    slugs = _slugs(api_client.get("/api/topics/", {"updated_after": before.isoformat()}))

    assert "offset-topic" in slugs
