import pytest
from django.db import transaction
from django.test import Client

from kb.concurrency import EditConflict, check_unchanged
from kb.models import Topic

from .test_admin import topic_form

pytestmark = pytest.mark.django_db


def test_every_save_raises_version(make_topic):
    topic = make_topic()
    assert topic.version == 1
    topic.save()
    assert topic.version == 2
    stale = Topic.objects.get(pk=topic.pk)
    stale.version = 1
    stale.save()
    assert stale.version == 3


def test_check_passes_for_current_version(make_topic):
    topic = make_topic()
    with transaction.atomic():
        check_unchanged(topic.pk, topic.version)


def test_check_rejects_stale_version(make_topic, django_user_model):
    topic = make_topic()
    loaded = topic.version
    topic._history_user = django_user_model.objects.create_user("li", password="x")
    topic.save()
    with pytest.raises(EditConflict) as raised, transaction.atomic():
        check_unchanged(topic.pk, loaded)
    assert raised.value.changed_by == "li"
    assert raised.value.current_version == loaded + 1
    assert "li" in raised.value.message()


def change_data(topic, version, title_en):
    return topic_form(
        slug=topic.slug,
        title_zh=topic.title_zh,
        title_en=title_en,
        body_zh=topic.body_zh,
        body_en=topic.body_en,
        category=str(topic.category_id),
        version=str(version),
    )


def test_second_admin_save_is_rejected(staff_client, django_user_model):
    topic = Topic.objects.get(slug="positional-encoding")
    url = f"/admin/kb/topic/{topic.pk}/change/"
    loaded = topic.version
    other = django_user_model.objects.create_superuser("zhang", "z@example.com", "pw-zhang-1")
    other_client = Client()
    other_client.force_login(other)

    first = other_client.post(url, change_data(topic, loaded, "First editor's title"))
    assert first.status_code == 302
    second = staff_client.post(
        url, change_data(topic, loaded, "Second editor's title"), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert second.status_code == 200
    html = second.content.decode()
    assert "was changed by zhang" in html
    assert "Second editor&#x27;s title" in html
    topic.refresh_from_db()
    assert topic.title_en == "First editor's title"
    assert topic.version == loaded + 1


def test_conflict_message_in_chinese(staff_client):
    topic = Topic.objects.get(slug="positional-encoding")
    url = f"/admin/kb/topic/{topic.pk}/change/"
    stale = topic.version - 1
    response = staff_client.post(
        url, change_data(topic, stale, "Stale"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "你的修改没有保存" in response.content.decode()


def test_change_form_carries_current_version(staff_client):
    topic = Topic.objects.get(slug="positional-encoding")
    html = staff_client.get(f"/admin/kb/topic/{topic.pk}/change/").content.decode()
    assert f'name="version" value="{topic.version}"' in html
    assert 'type="hidden" name="version"' in html


def test_missing_version_is_rejected(staff_client):
    topic = Topic.objects.get(slug="positional-encoding")
    data = change_data(topic, 0, "No version")
    del data["version"]
    response = staff_client.post(
        f"/admin/kb/topic/{topic.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "missing the topic" in response.content.decode()
