"""Tests of the calculator pages: forms in the URL, charts, figures, errors and embedding."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from kb.calculators import lr_schedule
from kb.charts import _PALETTE

pytestmark = pytest.mark.django_db

LR_URL = "/{language}/calculators/lr-schedule/"
PE_URL = "/{language}/calculators/positional-encoding/"
LANGUAGES = ["en", "zh-hans"]
LR_QUERY = {
    "schedule": "cosine",
    "base_lr": "0.001",
    "total_steps": "2000",
    "warmup_steps": "100",
    "num_cycles": "0.5",
    "at": "100, 1000",
}


def page(client, url: str, query: dict | None = None, language: str = "en"):
    return client.get(url.format(language=language), query or {})


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


def field_error(html: str, name: str) -> str:
    match = re.search(
        rf'<p class="calc-error"[^>]*data-error-for="{name}"[^>]*>(.*?)</p>', html, re.S
    )
    return match.group(1).strip() if match else ""


def text_of(html: str) -> str:
    """Return the page's text without tags, as in highlighted code."""
    return re.sub(r"<[^>]+>", "", html)


def polylines(html: str) -> list[str]:
    return re.findall(r"<polyline ", html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_lr_page_renders_chart_figures_snippet(client, language):
    response = page(client, LR_URL, LR_QUERY, language)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<svg" in html
    assert "get_cosine_schedule_with_warmup" in html
    assert 'class="highlight"' in html
    assert "num_warmup_steps" in html
    assert "<td>0.001</td><td>100</td>" in html


def test_lr_page_text_is_translated(client):
    english = page(client, LR_URL, LR_QUERY, "en").content.decode()
    chinese = page(client, LR_URL, LR_QUERY, "zh-hans").content.decode()

    assert "Learning-rate schedule calculator" in english
    assert "Optimizer step" in english
    assert "学习率调度计算器" in chinese
    assert "优化器步数" in chinese
    assert "预热步数" in chinese


def test_lr_page_shows_rate_at_requested_steps(client):
    expected = lr_schedule("cosine", base_lr=0.001, total_steps=2000, warmup_steps=100)
    html = page(client, LR_URL, LR_QUERY).content.decode()

    assert "Rate at step 1000" in html
    assert f"<td>{expected.lr[1000]:.6g}</td>" in html


def test_lr_page_keeps_every_parameter_in_form(client):
    query = {**LR_QUERY, "min_lr_ratio": "0.1", "compare": "linear"}

    html = page(client, LR_URL, query).content.decode()

    for name in ("base_lr", "total_steps", "warmup_steps", "num_cycles", "min_lr_ratio", "at"):
        assert input_value(html, name) == query[name]
    assert '<option value="cosine" selected>' in html
    assert re.search(
        r'name="compare"[^>]*>\s*(<option[^>]*>[^<]*</option>)*?<option value="linear" selected',
        html,
    )
    assert 'method="get"' in html


def test_lr_page_csv_link_reproduces_schedule(client):
    html = page(client, LR_URL, LR_QUERY).content.decode()
    link = re.search(r'href="(/api/calculators/lr-schedule/\?[^"]+)"', html).group(1)

    response = client.get(link.replace("&amp;", "&"))
    lines = response.content.decode().splitlines()

    assert response.status_code == 200
    assert lines[0] == "step,lr"
    assert len(lines) == 2002
    assert parse_qs(urlsplit(link.replace("&amp;", "&")).query)["format"] == ["csv"]


def test_lr_page_compares_several_schedules(client):
    query = {**LR_QUERY, "compare": ["linear", "polynomial", "step"]}

    html = page(client, LR_URL, query).content.decode()

    assert len(polylines(html)) == 4
    for name in ("cosine", "linear", "polynomial"):
        assert f"<code>{name}</code>" in html
    assert "step (no warmup)" in html


def test_lr_page_hides_unused_schedule_parameters(client):
    html = page(client, LR_URL, {**LR_QUERY, "compare": "step"}).content.decode()

    gamma = re.search(r'<div class="calc-field"[^>]*data-used-by="step exponential"[^>]*>', html)
    power = re.search(r'<div class="calc-field"[^>]*data-used-by="polynomial"[^>]*>', html)
    assert gamma and "hidden" not in gamma.group(0)
    assert power and "hidden" in power.group(0)


def test_lr_page_first_visit_uses_defaults(client):
    response = page(client, LR_URL)

    assert response.status_code == 200
    assert len(polylines(response.content.decode())) == 2


@pytest.mark.parametrize(
    ("query", "field", "english", "chinese"),
    [
        ({"base_lr": "abc"}, "base_lr", "must be a number", "必须是数字"),
        ({"base_lr": "nan"}, "base_lr", "finite number", "有限"),
        ({"total_steps": "0"}, "total_steps", "at least 1", "不小于 1"),
        ({"total_steps": "2000000"}, "total_steps", "at most 1000000 on this page", "本页"),
        ({"warmup_steps": "5000"}, "warmup_steps", "at most 2000", "不大于 2000"),
        ({"num_cycles": "0"}, "num_cycles", "greater than 0", "大于 0"),
        ({"schedule": "bogus"}, "schedule", "one of constant", "以下之一"),
        ({"compare": "bogus"}, "compare", "one of constant", "以下之一"),
        ({"compare": ["linear", "step", "noam", "exponential"]}, "compare", "at most 3", "最多"),
        ({"compare": "noam", "warmup_steps": "0"}, "warmup_steps", "noam:", "noam"),
        ({"at": "5, x"}, "at", "from 0 to 2000", "0 到 2000"),
        ({"at": "3000"}, "at", "from 0 to 2000", "0 到 2000"),
        ({"at": "²"}, "at", "from 0 to 2000", "0 到 2000"),
    ],
)
def test_lr_page_error_next_to_field(client, query, field, english, chinese):
    for language, fragment in (("en", english), ("zh-hans", chinese)):
        response = page(client, LR_URL, {**LR_QUERY, **query}, language)
        html = response.content.decode()

        assert response.status_code == 400
        assert fragment in field_error(html, field)
        assert input_value(html, "total_steps") == query.get("total_steps", "2000")
        assert "<polyline" not in html


def test_lr_page_rejects_oversize_before_computing(client, monkeypatch):
    from kb import calculator_figures

    def fail(*args, **kwargs):
        raise AssertionError("the schedule was computed")

    monkeypatch.setattr(calculator_figures, "lr_schedule", fail)

    response = page(client, LR_URL, {**LR_QUERY, "total_steps": "10000000"})

    assert response.status_code == 400


def test_lr_partial_returns_fragment(client):
    response = page(client, LR_URL, {**LR_QUERY, "partial": "1"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<svg" in html
    assert "<html" not in html
    assert "<form" not in html


def test_lr_partial_lists_field_errors(client):
    response = page(client, LR_URL, {**LR_QUERY, "base_lr": "-1", "partial": "1"})
    html = response.content.decode()

    assert response.status_code == 400
    assert re.search(r'<li data-field="base_lr">base_lr must be greater than 0', html)
    assert "<svg" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_pe_page_renders_every_chart(client, language):
    query = {"positions": "64", "d_model": "32", "dims": "0, 1, 6"}

    response = page(client, PE_URL, query, language)
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<svg") == 5
    assert html.count("data:image/png;base64,") >= 4
    assert "0 (sin, i=0)" in html
    assert "6 (sin, i=3)" in html
    assert "torch.sin(angles)" in text_of(html)
    assert "format=npy" in html
    assert "format=csv" in html


def test_pe_page_text_is_translated(client):
    chinese = page(client, PE_URL, {}, "zh-hans").content.decode()

    assert "位置编码计算器" in chinese
    assert "点积" in chinese
    assert "波长" in chinese


def test_pe_page_dot_products_depend_on_distance(client):
    html = page(client, PE_URL, {"positions": "200", "d_model": "64"}).content.decode()
    deviation = re.search(r"at most ([0-9.e+-]+) apart", html).group(1)

    assert float(deviation) < 1e-9


def test_pe_page_concatenated_labels(client):
    query = {"positions": "16", "d_model": "8", "layout": "concatenated", "dims": "1, 5"}

    html = page(client, PE_URL, query).content.decode()

    assert "1 (sin, i=1)" in html
    assert "5 (cos, i=1)" in html
    assert "pe = torch.cat" in text_of(html)


def test_pe_page_large_matrix_offers_only_npy(client):
    html = page(
        client, PE_URL, {"positions": "4096", "d_model": "2048", "dims": "0"}
    ).content.decode()

    assert "format=npy" in html
    assert "format=csv" not in html
    assert "averages a block" in html


@pytest.mark.parametrize(
    ("query", "field", "english", "chinese"),
    [
        ({"d_model": "31"}, "d_model", "must be even", "偶数"),
        ({"d_model": "0"}, "d_model", "at least 2", "不小于 2"),
        ({"d_model": "4096"}, "d_model", "at most 2048 on this page", "本页"),
        ({"positions": "5000"}, "positions", "at most 4096 on this page", "本页"),
        ({"positions": "-3"}, "positions", "at least 1", "不小于 1"),
        ({"base": "inf"}, "base", "finite number", "有限"),
        ({"layout": "spiral"}, "layout", "one of interleaved, concatenated", "以下之一"),
        ({"dims": "0, 64"}, "dims", "from 0 to 63", "0 到 63"),
        ({"dims": "1,2,3,4,5,6,7,8,9"}, "dims", "at most 8", "最多"),
    ],
)
def test_pe_page_error_next_to_field(client, query, field, english, chinese):
    base = {"positions": "32", "d_model": "64", "dims": "0, 1"}
    for language, fragment in (("en", english), ("zh-hans", chinese)):
        response = page(client, PE_URL, {**base, **query}, language)
        html = response.content.decode()

        assert response.status_code == 400
        assert fragment in field_error(html, field)
        assert input_value(html, "positions") == query.get("positions", "32")
        assert "data:image/png" not in html


def test_pe_partial_returns_fragment(client):
    response = page(client, PE_URL, {"positions": "16", "d_model": "8", "partial": "1"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "<svg" in html
    assert "<form" not in html


@pytest.mark.parametrize(
    ("slug", "calculator_url", "marker"),
    [
        ("transformer-learning-rate", "/en/calculators/lr-schedule/", "get_cosine"),
        ("positional-encoding", "/en/calculators/positional-encoding/", "torch.sin"),
    ],
)
def test_topic_embeds_calculator_and_page_links_back(client, slug, calculator_url, marker):
    topic = client.get(f"/en/topics/{slug}/").content.decode()
    calculator = client.get(calculator_url).content.decode()

    assert 'class="calc-embed"' in topic
    assert f'action="{calculator_url}"' in topic
    assert "<svg" in topic
    assert "js/calculators" in topic
    assert f'href="/en/topics/{slug}/"' in calculator
    assert marker in text_of(calculator)


def test_topic_without_calculator_has_no_embed(client):
    html = client.get("/en/topics/rag-optimization/").content.decode()

    assert "calc-embed" not in html
    assert "js/calculators" not in html


def test_embedded_partials_are_compact(client):
    lr = page(client, LR_URL, {"partial": "embed"}).content.decode()
    pe = page(client, PE_URL, {"partial": "embed"}).content.decode()

    assert len(polylines(lr)) == 3
    assert "highlight" not in lr
    assert pe.count("<svg") == 2


def test_index_home_and_nav_link_calculators(client):
    index = client.get("/en/calculators/").content.decode()
    home = client.get("/zh-hans/").content.decode()

    assert 'href="/en/calculators/lr-schedule/"' in index
    assert 'href="/en/calculators/positional-encoding/"' in index
    assert 'href="/en/topics/transformer-learning-rate/"' in index
    assert 'href="/zh-hans/calculators/"' in home
    assert 'href="/zh-hans/calculators/lr-schedule/"' in home


def test_pages_have_no_inline_script_or_style(client):
    for url in (
        "/en/calculators/lr-schedule/",
        "/en/calculators/positional-encoding/",
        "/en/topics/transformer-learning-rate/",
        "/en/topics/positional-encoding/",
    ):
        html = client.get(url).content.decode()

        assert "<style" not in html
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_chart_series_colours_come_from_stylesheet(client):
    html = page(client, LR_URL, LR_QUERY).content.decode()

    assert 'class="kb-chart-s0"' in html
    assert _PALETTE[0][0] not in html
