"""Highlighted titles and snippets: marks, escaping, Chinese text and ranking order."""

import re

import pytest

from kb.search import search
from kb.search.snippets import plain_text, without_hidden_html


def _unmarked(html: str) -> str:
    return re.sub(r"</?mark>", "", html).replace("…", "")


@pytest.mark.django_db
def test_chinese_snippet_inserts_no_spaces():
    hit = search("学习率 预热", language="zh").hits[0]
    text = _unmarked(hit.snippet_html)
    assert "<mark>学习率</mark>" in hit.snippet_html
    assert text in plain_text(hit.topic.body_zh)
    assert "学习 率" not in text


@pytest.mark.django_db
def test_snippet_in_reader_language():
    zh = search("learning rate", language="zh").hits[0]
    en = search("学习率", language="en").hits[0]
    assert "<mark>学习率</mark>" in zh.snippet_html
    assert "<mark>learning</mark>" in en.snippet_html.lower()
    assert zh.language == "zh"
    assert en.language == "en"


@pytest.mark.django_db
def test_title_is_highlighted():
    hit = search("positional encoding", language="en").hits[0]
    assert hit.title_html.count("<mark>") == 2


@pytest.mark.django_db
def test_content_html_is_escaped(make_topic):
    make_topic(
        slug="xss",
        title_en="<script>alert(1)</script> Mongoose",
        body_en='Mongoose <img src=x onerror=alert(1)> 5 < 6 & "quoted"',
    )
    hit = search("mongoose", language="en").hits[0]
    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<img" not in hit.snippet_html
    assert "5 &lt; 6 &amp; &quot;quoted&quot;" in hit.snippet_html
    assert "<mark>Mongoose</mark>" in hit.snippet_html


@pytest.mark.django_db
def test_subword_inside_longer_run(make_topic):
    make_topic(slug="attention-topic", title_zh="自注意力机制", body_zh="多头自注意力是核心")
    hit = search("注意", language="zh").hits[0]
    assert hit.topic.slug == "attention-topic"
    assert "<mark>注意</mark>" in hit.snippet_html


@pytest.mark.django_db
def test_model_inside_longer_run():
    slugs = [hit.topic.slug for hit in search("模型", language="zh").hits]
    assert "positional-encoding" in slugs  # only as 预训练模型 and similar runs


@pytest.mark.django_db
def test_mixed_token_matches_both_parts(make_topic):
    make_topic(slug="lora", title_zh="LoRA微调入门", body_zh="低秩适配")
    make_topic(slug="lora-only", title_zh="LoRA简介", body_zh="低秩")
    slugs = [hit.topic.slug for hit in search("LoRA微调", language="zh").hits]
    assert slugs[0] == "lora"
    assert "lora-only" not in slugs


@pytest.mark.django_db
def test_title_match_beats_many_body_matches(make_topic):
    make_topic(slug="body-heavy", title_en="Misc notes", body_en="capybara " * 50)
    make_topic(slug="title-match", title_en="Capybara", body_en="Short body")
    slugs = [hit.topic.slug for hit in search("capybara", language="en").hits]
    assert slugs == ["title-match", "body-heavy"]


@pytest.mark.django_db
def test_recency_breaks_ties(make_topic):
    make_topic(slug="older", title_en="Axolotl one", body_en="x")
    make_topic(slug="newer", title_en="Axolotl two", body_en="x")
    slugs = [hit.topic.slug for hit in search("axolotl", language="en").hits]
    assert slugs == ["newer", "older"]


@pytest.mark.django_db
def test_typo_gives_suggestion():
    results = search("positonal encodng", language="en")
    assert results.suggestion == "positional encoding"
    assert results.hits[0].topic.slug == "positional-encoding"


@pytest.mark.django_db
def test_phrase_and_exclusion():
    assert [h.topic.slug for h in search('"grid search"', language="en").hits] == [
        "transformer-learning-rate"
    ]
    assert "transformer-learning-rate" not in [
        h.topic.slug for h in search("学习率 -网格搜索", language="zh").hits
    ]


def test_plain_text_drops_scripts_styles_and_comments():
    markdown = (
        "Before <SCRIPT type='x'>alert('admin')</script> <style>p {}</style> <!-- c --> after"
    )

    assert plain_text(markdown) == "Before after"


def test_unclosed_script_hides_the_rest():
    assert plain_text("Shown\n\n<script>\nalert(1)\n\nStill script") == "Shown"


def test_fenced_code_keeps_script_text():
    markdown = "Text\n\n```html\n<script>alert(1)</script>\n```\n\n<script>x()</script>"

    assert without_hidden_html(markdown) == "Text\n\n```html\n<script>alert(1)</script>\n```\n\n "
