import re

import pytest
from django.conf import settings

from kb.models import Topic

pytestmark = pytest.mark.django_db

SLUGS = [
    "transformer-learning-rate",
    "positional-encoding",
    "deploy-ml-applications",
    "model-health-in-production",
    "rag-optimization",
    "llm-fine-tuning",
]


def h1(response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


@pytest.mark.parametrize(
    ("accept", "expected"), [("en-US,en;q=0.9", "/en/"), ("zh-CN", "/zh-hans/")]
)
def test_root_redirects_by_browser_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_language_choice_sticks(client):
    client.get("/en/topics/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    response = client.get("/", headers={"accept-language": "zh-CN"})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_home_lists_every_topic(client, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    for slug in SLUGS:
        assert f"/{language}/topics/{slug}/" in response.content.decode()


def test_home_is_translated(client):
    assert "搜索" in client.get("/zh-hans/").content.decode()
    assert ">Search<" in client.get("/en/").content.decode()


@pytest.mark.parametrize("slug", SLUGS)
def test_topic_h1_is_title_in_page_language(client, slug):
    topic = Topic.objects.get(slug=slug)
    assert h1(client.get(f"/zh-hans/topics/{slug}/")) == topic.title_zh
    english = client.get(f"/en/topics/{slug}/")
    assert english.status_code == 200
    assert h1(english).replace("&#x27;", "'") == topic.title_en


def test_topic_page_has_hreflang_alternates(client):
    html = client.get("/en/topics/positional-encoding/").content.decode()
    assert 'hreflang="zh-hans" href="http://testserver/zh-hans/topics/positional-encoding/"' in html
    assert 'hreflang="en" href="http://testserver/en/topics/positional-encoding/"' in html


def test_positional_encoding_formula_is_mathml(client):
    html = client.get("/zh-hans/topics/positional-encoding/").content.decode()
    assert html.count('<math display="block">') == 2


def test_code_blocks_are_highlighted(client):
    html = client.get("/en/topics/deploy-ml-applications/").content.decode()
    assert '<code class="language-nginx">' in html
    assert '<span class="k">def</span>' in html


def test_table_of_contents_links_headings(client):
    html = client.get("/zh-hans/topics/llm-fine-tuning/").content.decode()
    assert 'class="toc"' in html
    assert 'href="#迁移学习"' in html
    assert 'id="迁移学习"' in html


def test_side_by_side_shows_both_languages(client):
    html = client.get("/zh-hans/topics/rag-optimization/?view=both").content.decode()
    assert 'lang="zh-Hans"' in html
    assert 'class="panel" lang="en"' in html
    assert "交叉编码器" in html
    assert "cross-encoder" in html


def test_invalid_view_gives_400_naming_allowed_values(client):
    response = client.get("/zh-hans/topics/rag-optimization/?view=fr")
    assert response.status_code == 400
    assert "zh、en、both" in response.content.decode()


def test_missing_translation_shows_other_language_with_note(client, make_topic):
    topic = make_topic(title_zh="只有中文", body_zh="中文正文", title_en="", body_en="")
    html = client.get(f"/en/topics/{topic.slug}/").content.decode()
    assert "only Chinese" not in html
    assert "not yet translated into English" in html
    assert "中文正文" in html
    assert h1(client.get(f"/en/topics/{topic.slug}/")) == "只有中文"


def test_glossary_terms_are_linked(client):
    html = client.get("/en/topics/rag-optimization/").content.decode()
    assert re.search(r'<a class="term" href="/en/glossary/#[a-z-]+"', html)


def test_related_topics_are_listed(client):
    html = client.get("/en/topics/positional-encoding/").content.decode()
    assert "Related topics" in html


def test_drafts_hidden_from_readers_visible_to_staff(client, staff_client, make_topic):
    draft = make_topic(title_en="Secret draft", status=Topic.Status.DRAFT)
    assert client.get(f"/en/topics/{draft.slug}/").status_code == 404
    assert "Secret draft" not in client.get("/en/").content.decode()
    response = staff_client.get(f"/en/topics/{draft.slug}/")
    assert response.status_code == 200
    assert "only staff can see it" in response.content.decode()
    assert f"/admin/kb/topic/{draft.pk}/change/" in response.content.decode()


def test_unknown_topic_is_404_in_reader_language(client):
    response = client.get("/zh-hans/topics/no-such-topic/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_topic_list_filters_by_category_and_tag(client):
    response = client.get("/en/topics/?category=deployment-mlops")
    html = response.content.decode()
    assert "/en/topics/deploy-ml-applications/" in html
    assert "/en/topics/positional-encoding/" not in html
    tagged = client.get("/en/topics/?tag=nginx").content.decode()
    assert "/en/topics/deploy-ml-applications/" in tagged
    assert "/en/topics/rag-optimization/" not in tagged


@pytest.mark.parametrize("query", ["category=nope", "tag=nope", "tag=nginx&tag=%00"])
def test_topic_list_rejects_unknown_filters(client, query):
    response = client.get(f"/zh-hans/topics/?{query}")
    assert response.status_code == 400
    assert "form-error" in response.content.decode()


def test_topic_list_names_unknown_category(client):
    response = client.get("/en/topics/?category=nope")

    assert response.status_code == 400
    assert "No category has the slug “nope”. Allowed: deployment-mlops" in (
        response.content.decode()
    )


def test_glossary_page_lists_term_pairs(client):
    html = client.get("/zh-hans/glossary/").content.decode()
    assert "学习率" in html
    assert "learning rate" in html
    assert 'id="learning-rate"' in html


def test_sitemap_has_both_languages(client):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/zh-hans/topics/positional-encoding/" in xml
    assert "/en/topics/positional-encoding/" in xml
    assert 'hreflang="en"' in xml


def test_robots_txt_points_to_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_open_graph_tags_on_topic(client):
    html = client.get("/en/topics/rag-optimization/").content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert re.search(r'<meta property="og:title" content="[^"]+">', html)


def test_health_endpoints(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("path", ["%00", "a%00b", "学习率", "x" * 3000, "..%2f..%2fetc"])
def test_malformed_topic_address_is_404(client, path):
    assert client.get(f"/en/topics/{path}/").status_code == 404


def test_topic_list_offers_tag_checkboxes_in_page_language(client):
    html = client.get("/zh-hans/topics/").content.decode()
    assert re.search(r'<input type="checkbox" name="tag" value="nginx"', html)
    assert "学习率 / learning rate" not in html
    assert ">学习率<" in html or " 学习率</label>" in html
