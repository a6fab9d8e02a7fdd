from html.parser import HTMLParser

import pytest

from kb.rendering import heading_id, render_markdown


class _Elements(HTMLParser):
    """Collect (tag, attributes) of every start tag, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


XSS_CASES = [
    "<script>alert(1)</script>",
    "[x](jAvAsCrIpT:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](java&#x09;script:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![a" onerror="alert(1)](https://example.com/x.png)',
    "<img src=x onerror=alert(1)>",
    '<div onclick="alert(1)" style="background:url(javascript:alert(1))">x</div>',
    "<iframe src=https://example.com></iframe>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    '<form action="https://example.com"><input name=x></form>',
]


@pytest.mark.parametrize("markdown", XSS_CASES)
def test_unsafe_markup_is_inert(markdown):
    elements = _Elements(render_markdown(markdown).html).elements
    tags = {tag for tag, _attrs in elements}
    assert not tags & {"script", "iframe", "style", "form", "input", "svg"}
    for _tag, attrs in elements:
        assert not [name for name in attrs if name.startswith("on")]
        assert "style" not in attrs
        for name in ("href", "src", "xlink:href"):
            url = (attrs.get(name) or "").strip().lower()
            assert not url.startswith(("javascript", "data:", "vbscript")), url


def test_onerror_in_alt_text_stays_text():
    html = render_markdown('![a" onerror="alert(1)](https://example.com/x.png)').html
    assert 'alt="a&quot; onerror=&quot;alert(1)"' in html
    assert 'src="https://example.com/x.png"' in html


def test_safe_links_keep_href_and_gain_rel():
    html = render_markdown("[docs](https://pytorch.org/docs)").html
    assert 'href="https://pytorch.org/docs"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_inline_and_display_math_become_mathml():
    html = render_markdown("Inline $x^2$ and\n\n$$\\sin(pos / 10000^{2i/d_{model}})$$").html
    assert '<math display="inline">' in html
    assert '<math display="block">' in html
    assert "<msup>" in html
    assert "<mi>sin</mi>" in html


def test_bad_latex_shown_as_code():
    html = render_markdown("$$\\frac{1}{$$").html
    assert "<math" not in html or "math-error" in html


def test_dollar_amounts_are_not_math():
    html = render_markdown("It costs $5 and $10.").html
    assert "<math" not in html
    assert "$5 and $10" in html


def test_code_is_highlighted_with_pygments():
    html = render_markdown("```python\ndef predict():\n    return 1\n```").html
    assert '<pre class="highlight"><code class="language-python">' in html
    assert '<span class="k">def</span>' in html


def test_unknown_language_is_escaped_plain_code():
    html = render_markdown("```nosuchlang\n<b>x</b>\n```").html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "language-nosuchlang" not in html


def test_tables_render_with_alignment():
    html = render_markdown("| a | b |\n|--:|---|\n| 1 | 2 |").html
    assert '<th style="text-align:right">a</th>' in html
    assert "<td>2</td>" in html


def test_headings_get_ids_anchor_links_and_toc():
    rendered = render_markdown("## 为什么\n\ntext\n\n### How it works\n\n## 为什么")
    assert rendered.toc == [
        {"level": 2, "id": "为什么", "text": "为什么"},
        {"level": 3, "id": "how-it-works", "text": "How it works"},
        {"level": 2, "id": "为什么-2", "text": "为什么"},
    ]
    assert '<h2 id="为什么">为什么 <a class="anchor" href="#为什么"' in rendered.html


def test_heading_id_never_empty():
    assert heading_id("？？？", set()) == "section"


def test_empty_body_renders_empty():
    assert render_markdown("").html == ""
    assert render_markdown("").toc == []
