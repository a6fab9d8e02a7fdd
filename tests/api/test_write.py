"""Writes to topics: permissions, admin-equal validation, history records."""

import pytest

from kb.models import Topic

pytestmark = pytest.mark.django_db

NEW_TOPIC = {
    "title": {"zh": "梯度裁剪", "en": "Gradient clipping"},
    "summary": {"zh": "限制梯度范数，防止训练发散。", "en": "Limit the gradient norm."},
    "body_markdown": {"zh": "## 做法\n\n把梯度范数裁剪到 $1.0$。", "en": "## How\n\nClip to 1.0."},
    "status": "published",
    "category": "training",
    "tags": ["learning-rate", "transformer"],
}


def test_anonymous_write_is_401(api_client):
    response = api_client.post("/api/topics/", NEW_TOPIC, format="json")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_invalid_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    response = api_client.get("/api/topics/")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_token_without_permission_is_403(token_client_without_permissions, method):
    url = "/api/topics/" if method == "post" else "/api/topics/rag-optimization/"

    response = getattr(token_client_without_permissions, method)(url, NEW_TOPIC, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_create_chinese_topic_records_history(writer_client, writer):
    response = writer_client.post("/api/topics/", NEW_TOPIC, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "gradient-clipping"
    assert response.headers["Location"] == "http://testserver/api/topics/gradient-clipping/"
    assert body["title"] == NEW_TOPIC["title"]
    assert body["body_markdown"] == NEW_TOPIC["body_markdown"]
    assert "<math" in body["body_html"]["zh"]
    assert body["toc"]["zh"][0]["text"] == "做法"
    assert body["category"]["slug"] == "training"
    assert [tag["slug"] for tag in body["tags"]] == ["transformer", "learning-rate"]

    topic = Topic.objects.get(slug="gradient-clipping")
    assert topic.title_zh == "梯度裁剪"
    assert topic.history.count() >= 1
    latest = topic.history.latest()
    assert latest.history_user == writer
    assert latest.history_change_reason == "REST API POST"
    assert sorted(latest.tags.values_list("tag__slug", flat=True)) == [
        "learning-rate",
        "transformer",
    ]


def test_chinese_only_title_gets_pinyin_slug(writer_client):
    payload = {"title": {"zh": "梯度裁剪"}}

    response = writer_client.post("/api/topics/", payload, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "ti-du-cai-jian"
    assert response.json()["title"] == {"zh": "梯度裁剪", "en": ""}
    assert response.json()["status"] == "draft"


def test_patch_changes_only_given_language(writer_client, writer, make_topic):
    topic = make_topic(slug="patch-me", title_zh="旧标题", title_en="Old title")
    history_before = topic.history.count()

    response = writer_client.patch(
        "/api/topics/patch-me/", {"title": {"zh": "新标题"}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["title"] == {"zh": "新标题", "en": "Old title"}
    topic.refresh_from_db()
    assert topic.title_zh == "新标题"
    assert topic.title_en == "Old title"
    assert topic.history.count() == history_before + 1
    assert topic.history.latest().history_user == writer
    assert topic.history.latest().history_change_reason == "REST API PATCH"


def test_patch_replaces_tags_and_clears_category(writer_client, make_topic):
    make_topic(slug="retag-me")

    response = writer_client.patch(
        "/api/topics/retag-me/", {"tags": ["rag"], "category": None}, format="json"
    )

    assert response.status_code == 200
    assert [tag["slug"] for tag in response.json()["tags"]] == ["rag"]
    assert response.json()["category"] is None


def test_patch_sets_related_topics(writer_client, make_topic):
    make_topic(slug="relate-me")

    response = writer_client.patch(
        "/api/topics/relate-me/", {"related": ["rag-optimization"]}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["related"] == ["rag-optimization"]


def test_put_stores_missing_language_as_empty(writer_client, make_topic):
    make_topic(slug="put-me", summary_en="Keep me")

    response = writer_client.put(
        "/api/topics/put-me/", {"title": {"en": "Only English"}}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == {"zh": "", "en": "Only English"}
    assert body["summary"]["en"] == "Keep me"


def test_put_without_title_is_400(writer_client, make_topic):
    make_topic(slug="put-me")

    response = writer_client.put("/api/topics/put-me/", {"status": "draft"}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()["error"]["fields"]


def test_writer_can_patch_own_draft(writer_client, make_topic):
    make_topic(slug="draft-to-edit", status=Topic.Status.DRAFT)

    response = writer_client.patch(
        "/api/topics/draft-to-edit/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_delete_records_history(writer_client, writer, make_topic):
    topic = make_topic(slug="delete-me")
    topic_id = topic.pk

    response = writer_client.delete("/api/topics/delete-me/")

    assert response.status_code == 204
    assert not Topic.objects.filter(slug="delete-me").exists()
    deletion = Topic.history.filter(id=topic_id).latest()
    assert deletion.history_type == "-"
    assert deletion.history_user == writer


def test_staff_can_write(staff_api_client):
    response = staff_api_client.post("/api/topics/", NEW_TOPIC, format="json")

    assert response.status_code == 201


def test_html_in_body_is_sanitised(writer_client):
    payload = {"title": {"en": "Sanitise"}, "body_markdown": {"en": "<script>alert(1)</script>"}}

    body = writer_client.post("/api/topics/", payload, format="json").json()

    assert "<script" not in body["body_html"]["en"]


def _fields(response) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


def test_no_title_in_any_language_is_400(writer_client):
    fields = _fields(
        writer_client.post("/api/topics/", {"title": {"zh": " ", "en": ""}}, format="json")
    )

    assert fields == {"title.zh": ["Enter a title in Chinese or in English (at least one)."]}


def test_invalid_slug_is_400(writer_client):
    payload = {"title": {"en": "Bad slug"}, "slug": "Bad_Slug"}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert list(fields) == ["slug"]
    assert "lowercase ASCII letters" in fields["slug"][0]


def test_duplicate_slug_is_400(writer_client):
    payload = {"title": {"en": "Copy"}, "slug": "rag-optimization"}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert list(fields) == ["slug"]


def test_body_over_limit_is_400(writer_client, settings):
    settings.KB_MAX_BODY_CHARS = 50
    payload = {"title": {"en": "Long"}, "body_markdown": {"en": "x" * 51}}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert list(fields) == ["body_markdown.en"]
    assert "50" in fields["body_markdown.en"][0]


def test_title_too_long_is_400(writer_client):
    payload = {"title": {"zh": "长" * 201}}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert list(fields) == ["title.zh"]


def test_unknown_category_lists_allowed(writer_client):
    payload = {"title": {"en": "Lost"}, "category": "nowhere"}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert fields["category"] == [
        "No category has the slug “nowhere”. Allowed: deployment-mlops, "
        "large-language-models, model-architecture, training."
    ]


def test_unknown_tag_is_400(writer_client):
    payload = {"title": {"en": "Lost"}, "tags": ["rag", "nowhere"]}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert list(fields) == ["tags"]
    assert fields["tags"][0].startswith("No tag has the slug “nowhere”. Allowed: data-drift")


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("just text", 'Enter an object such as {"zh": "…", "en": "…"} for title.'),
        ({"fr": "Bonjour"}, "Unknown language fr in title: the allowed keys are zh and en."),
        ({"zh": 5}, "Enter text (a JSON string or null) for title.zh."),
    ],
)
def test_malformed_bilingual_object_is_400(writer_client, title, message):
    fields = _fields(writer_client.post("/api/topics/", {"title": title}, format="json"))

    assert fields == {"title": [message]}


def test_unknown_status_and_calculator_are_400(writer_client):
    payload = {"title": {"en": "Odd"}, "status": "archived", "calculator": "abacus"}

    fields = _fields(writer_client.post("/api/topics/", payload, format="json"))

    assert set(fields) == {"status", "calculator"}


def test_form_encoded_write_is_415(writer_client):
    response = writer_client.post("/api/topics/", {"slug": "x"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_malformed_json_is_400(writer_client):
    response = writer_client.post("/api/topics/", "{", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_write_to_read_only_resource_is_405(staff_api_client):
    response = staff_api_client.post("/api/categories/", {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_null_calculator_removes_it(writer_client):
    response = writer_client.patch(
        "/api/topics/transformer-learning-rate/", {"calculator": None}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["calculator"] is None
    assert Topic.objects.get(slug="transformer-learning-rate").calculator == ""


@pytest.mark.parametrize(
    "payload",
    [
        {"title": {"en": "Nul\x00byte"}},
        {"category": "train\x00ing"},
        {"tags": ["r\x00ag"]},
        {"related": ["rag\x00"]},
    ],
)
def test_nul_characters_are_400(writer_client, payload):
    response = writer_client.patch("/api/topics/rag-optimization/", payload, format="json")

    assert response.status_code == 400
