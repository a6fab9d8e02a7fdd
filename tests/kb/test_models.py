import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from kb.models import Topic

pytestmark = pytest.mark.django_db


def test_two_chinese_only_topics_get_distinct_slugs(make_topic):
    first = make_topic(title_zh="注意力机制", title_en="")
    second = make_topic(title_zh="注意力机制", title_en="")
    assert first.slug == "zhu-yi-li-ji-zhi"
    assert second.slug == "zhu-yi-li-ji-zhi-2"


def test_slug_stays_when_title_changes(make_topic):
    topic = make_topic(title_en="Warmup")
    topic.title_en = "Learning-rate warmup"
    topic.save()
    topic.refresh_from_db()
    assert topic.slug == "warmup"


def test_empty_and_whitespace_english_title_mean_untranslated(make_topic):
    cleared = make_topic(title_en="   ", body_en="  \n ")
    never = make_topic(title_en="", body_en="")
    for topic in (cleared, never):
        topic.refresh_from_db()
        assert topic.title_en == ""
        assert topic.complete_languages == ["zh"]
    assert set(Topic.objects.missing("en")) >= {cleared, never}


def test_topic_without_any_title_is_invalid():
    topic = Topic(title_zh=" ", title_en="", body_zh="x")
    with pytest.raises(ValidationError) as error:
        topic.full_clean()
    assert "title_zh" in error.value.message_dict


def test_duplicate_explicit_slug_is_rejected(make_topic):
    make_topic(slug="taken")
    duplicate = Topic(slug="taken", title_en="Other")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("slug", ["Upper", "两个字", "double--hyphen", "-edge", "with space"])
def test_invalid_explicit_slug_is_rejected(slug):
    topic = Topic(slug=slug, title_en="x")
    with pytest.raises(ValidationError) as error:
        topic.full_clean()
    assert "slug" in error.value.message_dict


@override_settings(KB_MAX_BODY_CHARS=1000)
def test_oversized_body_is_rejected_and_nothing_stored(make_topic):
    topic = make_topic(body_en="short")
    topic.body_en = "x" * 1001
    with pytest.raises(ValidationError) as error:
        topic.full_clean()
    assert "body_en" in error.value.message_dict
    topic.refresh_from_db()
    assert topic.body_en == "short"


def test_one_megabyte_body_is_rejected_by_default(make_topic):
    topic = make_topic()
    topic.body_zh = "学" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        topic.full_clean()
    assert "body_zh" in error.value.message_dict


def test_save_renders_and_stores_html(make_topic):
    topic = make_topic(body_en="## Why\n\n$x$", body_zh="")
    topic.refresh_from_db()
    assert '<h2 id="why">' in topic.body_html_en
    assert "<math" in topic.body_html_en
    assert topic.toc_en == [{"level": 2, "id": "why", "text": "Why"}]
    assert topic.body_html_zh == ""


def test_every_edit_is_kept_in_history(make_topic):
    topic = make_topic(title_en="First")
    topic.title_en = "Second"
    topic.save()
    titles = [record.title_en for record in topic.history.order_by("history_date")]
    assert titles == ["First", "Second"]


def test_history_can_revert(make_topic):
    topic = make_topic(title_zh="旧标题")
    topic.title_zh = "新标题"
    topic.save()
    oldest = topic.history.earliest("history_date")
    oldest.instance.save()
    topic.refresh_from_db()
    assert topic.title_zh == "旧标题"
    assert topic.history.count() == 3


def test_shown_language_falls_back_to_written_one(make_topic):
    chinese_only = make_topic(title_en="", body_en="")
    assert chinese_only.shown_language("en") == "zh"
    assert chinese_only.shown_language("zh") == "zh"
    both = make_topic()
    assert both.shown_language("en") == "en"


def test_translation_state_querysets(make_topic):
    english_only = make_topic(title_zh="", body_zh="")
    assert english_only in Topic.objects.missing("zh")
    assert english_only not in Topic.objects.complete("zh")
    assert english_only in Topic.objects.complete("en")
