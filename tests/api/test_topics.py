"""Reads of topics, categories, tags and the glossary, with draft visibility."""

import pytest

from kb.models import Category, Tag, Topic

pytestmark = pytest.mark.django_db


def test_topic_list_shows_shipped_topics(api_client):
    response = api_client.get("/api/topics/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert body["next"] is None
    assert body["previous"] is None
    assert len(body["results"]) == 6


def test_topic_list_leaves_out_bodies(api_client):
    item = api_client.get("/api/topics/").json()["results"][0]

    assert "body_markdown" not in item
    assert "body_html" not in item
    assert "toc" not in item
    assert set(item["title"]) == {"zh", "en"}
    assert set(item["summary"]) == {"zh", "en"}


def test_topic_detail_has_bilingual_fields(api_client):
    topic = Topic.objects.get(slug="positional-encoding")

    body = api_client.get("/api/topics/positional-encoding/").json()

    assert body["slug"] == "positional-encoding"
    assert body["title"] == {"zh": topic.title_zh, "en": topic.title_en}
    assert body["summary"] == {"zh": topic.summary_zh, "en": topic.summary_en}
    assert body["body_markdown"] == {"zh": topic.body_zh, "en": topic.body_en}
    assert body["body_html"] == {"zh": topic.body_html_zh, "en": topic.body_html_en}
    assert body["toc"] == {"zh": topic.toc_zh, "en": topic.toc_en}
    assert body["complete_languages"] == ["zh", "en"]
    assert body["calculator"] == "positional-encoding"
    assert body["status"] == "published"


def test_topic_detail_links_category_tags_and_site(api_client):
    topic = Topic.objects.get(slug="positional-encoding")

    body = api_client.get("/api/topics/positional-encoding/").json()

    assert body["category"] == {
        "slug": topic.category.slug,
        "name": {"zh": topic.category.name_zh, "en": topic.category.name_en},
    }
    assert [tag["slug"] for tag in body["tags"]] == [tag.slug for tag in topic.tags.all()]
    assert body["site_url"] == {
        "zh": "http://testserver/zh-hans/topics/positional-encoding/",
        "en": "http://testserver/en/topics/positional-encoding/",
    }
    assert body["created_at"]
    assert body["updated_at"]


def test_topic_without_calculator_gives_null(api_client):
    body = api_client.get("/api/topics/rag-optimization/").json()

    assert body["calculator"] is None


def test_topic_with_only_chinese_lists_zh_complete(api_client, make_topic):
    make_topic(slug="zh-only", title_en="", body_en="")

    body = api_client.get("/api/topics/zh-only/").json()

    assert body["complete_languages"] == ["zh"]
    assert body["title"]["en"] == ""


def test_draft_hidden_from_anonymous_list(api_client, make_topic):
    make_topic(slug="secret-draft", status=Topic.Status.DRAFT)

    slugs = [item["slug"] for item in api_client.get("/api/topics/").json()["results"]]

    assert "secret-draft" not in slugs


def test_draft_detail_is_404_for_anonymous(api_client, make_topic):
    make_topic(slug="secret-draft", status=Topic.Status.DRAFT)

    response = api_client.get("/api/topics/secret-draft/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_draft_detail_is_404_for_non_staff_writer(writer_client, make_topic):
    make_topic(slug="secret-draft", status=Topic.Status.DRAFT)

    response = writer_client.get("/api/topics/secret-draft/")

    assert response.status_code == 404


def test_draft_visible_to_staff_token(staff_api_client, make_topic):
    make_topic(slug="secret-draft", status=Topic.Status.DRAFT)

    listed = [item["slug"] for item in staff_api_client.get("/api/topics/").json()["results"]]
    detail = staff_api_client.get("/api/topics/secret-draft/")

    assert "secret-draft" in listed
    assert detail.status_code == 200
    assert detail.json()["status"] == "draft"


def test_draft_visible_to_staff_session(staff_client, make_topic):
    make_topic(slug="secret-draft", status=Topic.Status.DRAFT)

    response = staff_client.get("/api/topics/secret-draft/")

    assert response.status_code == 200


def test_related_drafts_hidden_from_anonymous(api_client, staff_api_client, make_topic):
    public = make_topic(slug="public-one")
    draft = make_topic(slug="draft-one", status=Topic.Status.DRAFT)
    other = make_topic(slug="public-two")
    public.related.set([draft, other])

    anonymous = api_client.get("/api/topics/public-one/").json()
    staff = staff_api_client.get("/api/topics/public-one/").json()

    assert anonymous["related"] == ["public-two"]
    assert staff["related"] == ["draft-one", "public-two"]


def test_category_list_and_detail(api_client):
    listed = api_client.get("/api/categories/").json()
    category = Category.objects.order_by("order", "slug").first()
    detail = api_client.get(f"/api/categories/{category.slug}/").json()

    assert listed["count"] == 4
    assert listed["results"][0]["slug"] == category.slug
    assert detail["name"] == {"zh": category.name_zh, "en": category.name_en}
    assert detail["description"] == {"zh": category.description_zh, "en": category.description_en}


def test_tag_list_and_detail(api_client):
    listed = api_client.get("/api/tags/?page_size=100").json()
    tag = Tag.objects.get(slug="learning-rate")
    detail = api_client.get("/api/tags/learning-rate/").json()

    assert listed["count"] == 20
    assert len(listed["results"]) == 20
    assert detail == {
        "slug": "learning-rate",
        "name": {"zh": tag.name_zh, "en": tag.name_en},
        "order": tag.order,
    }


def test_glossary_list_and_detail(api_client):
    listed = api_client.get("/api/glossary/?page_size=100").json()
    first = listed["results"][0]
    detail = api_client.get(f"/api/glossary/{first['slug']}/").json()

    assert listed["count"] == 129
    assert listed["next"].endswith("/api/glossary/?page=2&page_size=100")
    assert set(first) == {"slug", "term", "aliases", "definition", "updated_at"}
    assert detail == first


@pytest.mark.parametrize(
    ("url", "noun"),
    [
        ("/api/topics/no-such-topic/", "topic"),
        ("/api/categories/no-such-topic/", "category"),
        ("/api/tags/no-such-topic/", "tag"),
        ("/api/glossary/no-such-topic/", "glossary term"),
    ],
)
def test_unknown_slug_names_it(api_client, url, noun):
    response = api_client.get(url)

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": f"No {noun} has the slug “no-such-topic”.",
    }


def test_api_root_lists_resources(api_client):
    body = api_client.get("/api/").json()

    assert set(body) == {"topics", "categories", "tags", "glossary"}


def test_topic_list_derives_complete_languages(api_client, make_topic):
    make_topic(slug="en-only", title_zh="", body_zh="")

    results = api_client.get("/api/topics/?page_size=100").json()["results"]

    by_slug = {item["slug"]: item for item in results}
    assert by_slug["en-only"]["complete_languages"] == ["en"]
    assert by_slug["rag-optimization"]["complete_languages"] == ["zh", "en"]
