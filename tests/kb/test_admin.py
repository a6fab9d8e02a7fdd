import pytest

from kb.models import Topic

pytestmark = pytest.mark.django_db


def topic_form(**overrides) -> dict:
    data = {
        "slug": "",
        "category": "",
        "status": "published",
        "order": "0",
        "calculator": "",
        "title_zh": "梯度裁剪",
        "title_en": "",
        "summary_zh": "限制梯度大小，防止梯度爆炸。",
        "summary_en": "",
        "body_zh": "## 为什么\n\n在反向传播中限制梯度。\n\n$\\|g\\| \\le c$",
        "body_en": "",
    }
    data.update(overrides)
    return data


def test_add_form_saves_chinese_content(staff_client):
    response = staff_client.post("/admin/kb/topic/add/", topic_form())
    assert response.status_code == 302
    topic = Topic.objects.get(title_zh="梯度裁剪")
    assert topic.slug == "ti-du-cai-jian"
    assert "<math" in topic.body_html_zh
    assert topic.complete_languages == ["zh"]
    assert topic.history.count() == 1
    assert topic.history.first().history_user.username == "editor"


def test_change_form_shows_chinese_side_by_side(staff_client):
    topic = Topic.objects.get(slug="positional-encoding")
    html = staff_client.get(f"/admin/kb/topic/{topic.pk}/change/").content.decode()
    assert topic.title_zh in html
    assert 'name="title_en"' in html
    assert "bilingual" in html
    assert "view on site" in html.lower() or "在站点上查看" in html


def test_change_form_updates_and_keeps_history(staff_client):
    topic = Topic.objects.get(slug="positional-encoding")
    data = topic_form(
        slug=topic.slug,
        title_zh=topic.title_zh,
        title_en="Positional encoding (edited)",
        body_zh=topic.body_zh,
        body_en=topic.body_en,
        category=str(topic.category_id),
        version=str(topic.version),
    )
    response = staff_client.post(f"/admin/kb/topic/{topic.pk}/change/", data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title_en == "Positional encoding (edited)"
    assert topic.history.first().title_en == "Positional encoding (edited)"


def test_duplicate_slug_shows_form_error(staff_client):
    response = staff_client.post("/admin/kb/topic/add/", topic_form(slug="positional-encoding"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_missing_titles_show_form_error(staff_client):
    response = staff_client.post("/admin/kb/topic/add/", topic_form(title_zh="  "))
    assert response.status_code == 200
    assert "title_zh" in response.context["adminform"].form.errors


def test_history_page_lists_changes(staff_client):
    topic = Topic.objects.get(slug="rag-optimization")
    response = staff_client.get(f"/admin/kb/topic/{topic.pk}/history/")
    assert response.status_code == 200
    assert topic.title_zh in response.content.decode()


def test_revert_from_history_restores_text(staff_client):
    topic = Topic.objects.get(slug="rag-optimization")
    original = topic.title_en
    topic.title_en = "Broken edit"
    topic.save()
    record = topic.history.filter(title_en=original).latest("history_date")
    url = f"/admin/kb/topic/{topic.pk}/history/{record.history_id}/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["tags"] = [tag.pk for tag in topic.tags.all()]
    data["related"] = [related.pk for related in topic.related.all()]
    response = staff_client.post(url, data)
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.title_en == original


def test_markdown_preview_renders_sanitised_html(staff_client):
    response = staff_client.post(
        "/admin/kb/topic/preview/", {"markdown": "**粗体** <script>x</script> $a^2$"}
    )
    html = response.json()["html"]
    assert "<strong>粗体</strong>" in html
    assert "<script" not in html
    assert "<math" in html


def test_preview_requires_staff(client):
    response = client.post("/admin/kb/topic/preview/", {"markdown": "x"})
    assert response.status_code == 302


@pytest.mark.parametrize("state", ["complete", "missing-en", "missing-zh"])
def test_translation_state_filter(staff_client, make_topic, state):
    make_topic(title_en="", body_en="", title_zh="仅中文")
    response = staff_client.get(f"/admin/kb/topic/?translation={state}")
    assert response.status_code == 200
    shown = "仅中文" in response.content.decode()
    assert shown == (state == "missing-en")


@pytest.mark.parametrize("version", ["abc", "1x", "%00"])
def test_history_version_must_be_a_number(staff_client, version):
    topic = Topic.objects.get(slug="rag-optimization")
    response = staff_client.get(f"/admin/kb/topic/{topic.pk}/history/{version}/")
    assert response.status_code == 404
