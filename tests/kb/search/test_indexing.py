"""The index follows saves, tag and category changes and the glossary at once."""

import pytest
from django.core.management import call_command

from kb.models import Category, GlossaryTerm, Tag, Topic, TopicSearchDocument
from kb.search import search


def _slugs(query, **options):
    return [hit.topic.slug for hit in search(query, language="en", **options).hits]


@pytest.mark.django_db
def test_new_topic_is_found_at_once(make_topic):
    make_topic(slug="zebra-topic", title_en="Zebra striping", body_zh="斑马纹理的说明")
    assert _slugs("zebra") == ["zebra-topic"]
    assert _slugs("斑马") == ["zebra-topic"]


@pytest.mark.django_db
def test_updated_body_is_found_at_once(make_topic):
    topic = make_topic(slug="evolving", body_en="A wombat digs")
    assert _slugs("quokka") == []
    topic.body_en = "A quokka appears"
    topic.save()
    assert _slugs("quokka") == ["evolving"]
    assert _slugs("wombat") == []


@pytest.mark.django_db
def test_script_and_comment_text_not_indexed(make_topic):
    make_topic(
        slug="hidden-html",
        body_zh="看得见的斑马。\n\n<script>alert('穿山甲')</script>\n\n<!-- 长颈鹿 -->",
    )

    assert _slugs("斑马") == ["hidden-html"]
    assert _slugs("穿山甲") == []
    assert _slugs("长颈鹿") == []


@pytest.mark.django_db
def test_script_in_code_block_is_indexed(make_topic):
    make_topic(slug="code-html", body_zh="```html\n<script>alert('穿山甲')</script>\n```\n")

    assert _slugs("穿山甲") == ["code-html"]


@pytest.mark.django_db
def test_document_written_in_same_transaction(make_topic):
    topic = make_topic(slug="atomic-topic")
    assert TopicSearchDocument.objects.filter(topic=topic).exists()


@pytest.mark.django_db
def test_drafts_only_with_include_drafts(make_topic):
    make_topic(slug="draft-topic", title_en="Platypus draft", status=Topic.Status.DRAFT)
    assert _slugs("platypus") == []
    assert _slugs("platypus", include_drafts=True) == ["draft-topic"]


@pytest.mark.django_db
def test_tag_change_updates_index(make_topic):
    topic = make_topic(slug="tagged-topic", title_en="Plain title")
    tag = Tag.objects.create(slug="narwhal", name_zh="独角鲸", name_en="Narwhal")
    topic.tags.add(tag)
    assert _slugs("narwhal") == ["tagged-topic"]
    assert _slugs("plain", tags=["narwhal"]) == ["tagged-topic"]

    tag.name_en = "Walrus"
    tag.save()
    assert _slugs("walrus") == ["tagged-topic"]

    topic.tags.remove(tag)
    assert _slugs("walrus") == []


@pytest.mark.django_db
def test_category_change_updates_index(make_topic):
    category = Category.objects.create(slug="fauna", name_zh="动物", name_en="Fauna")
    topic = make_topic(slug="categorised", title_en="Some title")
    assert _slugs("title", category="fauna") == []
    topic.category = category
    topic.save()
    assert _slugs("title", category="fauna") == ["categorised"]
    category.name_en = "Wildlife"
    category.save()
    assert _slugs("wildlife") == ["categorised"]


@pytest.mark.django_db
def test_glossary_term_added_at_run_time(make_topic):
    make_topic(slug="llama-topic", title_en="Camelids", body_en="The alpaca grazes.")
    assert _slugs("羊驼") == []
    GlossaryTerm.objects.create(slug="alpaca", term_zh="羊驼", term_en="alpaca")
    assert _slugs("羊驼") == ["llama-topic"]


@pytest.mark.django_db
def test_glossary_term_joins_segmenter_dictionary(make_topic):
    make_topic(slug="segmented", title_zh="测试", body_zh="这里讲混合专家路由的做法")
    GlossaryTerm.objects.create(slug="moe-routing", term_zh="混合专家路由", term_en="MoE routing")
    assert _slugs("MoE routing") == ["segmented"]


@pytest.mark.django_db
def test_rebuild_command_restores_documents(make_topic):
    make_topic(slug="rebuilt", title_en="Ocelot")
    TopicSearchDocument.objects.all().delete()
    assert _slugs("ocelot") == []
    call_command("rebuild_search_index")
    assert _slugs("ocelot") == ["rebuilt"]
    assert TopicSearchDocument.objects.count() == Topic.objects.count()
