import pytest

from kb.cache import bump_content_version, cached_by_content, content_version
from kb.models import Category, GlossaryTerm, Tag, Topic

pytestmark = pytest.mark.django_db


def test_version_grows_on_every_kind_of_edit(make_topic):
    before = content_version()
    topic = make_topic(title_en="Cache test")
    after_create = content_version()
    assert after_create > before

    tag = Tag.objects.first()
    topic.tags.add(tag)
    after_tag = content_version()
    assert after_tag > after_create

    GlossaryTerm.objects.first().save()
    after_glossary = content_version()
    assert after_glossary > after_tag

    Category.objects.first().save()
    after_category = content_version()
    assert after_category > after_glossary

    topic.delete()
    assert content_version() > after_category


def test_bump_works_without_counter_row():
    from kb.models import ContentVersionCounter

    ContentVersionCounter.objects.all().delete()
    assert content_version() == 0
    bump_content_version()
    assert content_version() == 1


def test_page_is_cached_for_readers(client):
    first = client.get("/en/topics/positional-encoding/")
    second = client.get("/en/topics/positional-encoding/")
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert first.content == second.content


def test_edit_replaces_cached_page(client):
    client.get("/en/topics/positional-encoding/")
    topic = Topic.objects.get(slug="positional-encoding")
    topic.summary_en = "A summary written after the page was cached."
    topic.save()
    response = client.get("/en/topics/positional-encoding/")
    assert response["X-Cache"] == "miss"
    assert "A summary written after the page was cached." in response.content.decode()


def test_languages_are_cached_apart(client):
    english = client.get("/en/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()
    assert 'lang="en"' in english
    assert 'lang="zh-hans"' in chinese


def test_staff_pages_are_never_cached(staff_client, client, make_topic):
    draft = make_topic(title_en="Staff-only draft", status=Topic.Status.DRAFT)
    client.get("/en/topics/")
    response = staff_client.get("/en/topics/")
    assert "X-Cache" not in response
    assert "Staff-only draft" in response.content.decode()
    reader = client.get("/en/topics/")
    assert reader["X-Cache"] == "hit"
    assert draft.title_en not in reader.content.decode()


def test_errors_are_not_cached(client):
    client.get("/en/topics/no-such-topic/")
    response = client.get("/en/topics/no-such-topic/")
    assert response.status_code == 404
    assert "X-Cache" not in response


def test_cached_value_follows_content_version(make_topic):
    calls = []

    def compute():
        calls.append(1)
        return {"count": Topic.objects.count()}

    first = cached_by_content("api-test", ("list",), compute)
    cached_by_content("api-test", ("list",), compute)
    assert len(calls) == 1
    make_topic(title_en="One more")
    third = cached_by_content("api-test", ("list",), compute)
    assert len(calls) == 2
    assert third["count"] == first["count"] + 1


def test_unknown_query_parameters_bypass_cache(client):
    client.get("/en/topics/positional-encoding/?utm=1")
    response = client.get("/en/topics/positional-encoding/?utm=1")
    assert "X-Cache" not in response
    assert response.status_code == 200


def test_known_query_parameters_are_cached_apart(client):
    both = client.get("/en/topics/positional-encoding/?view=both")
    single = client.get("/en/topics/positional-encoding/")
    assert both["X-Cache"] == "miss"
    assert single["X-Cache"] == "miss"
    assert client.get("/en/topics/positional-encoding/?view=both")["X-Cache"] == "hit"
    filtered = client.get("/en/topics/?tag=nginx")
    assert filtered["X-Cache"] == "miss"
    assert "/en/topics/rag-optimization/" not in filtered.content.decode()
