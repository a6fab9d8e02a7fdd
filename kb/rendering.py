"""Markdown to safe HTML: CommonMark with tables, Pygments, MathML and sanitising.

Topic bodies are rendered once when a topic is saved and the result is stored,
so pages never render Markdown per request.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from .sanitising import ALLOWED_ATTRIBUTES, ALLOWED_STYLE_PROPERTIES, ALLOWED_TAGS, URL_SCHEMES

_CODE_FORMATTER = HtmlFormatter(nowrap=True)
_LANGUAGE_NAME = re.compile(r"^[A-Za-z0-9_+#.-]{1,40}$")


@dataclass
class RenderedMarkdown:
    html: str
    toc: list[dict] = field(default_factory=list)


def heading_id(text: str, used: set[str]) -> str:
    """Return a unique id for a heading, keeping Chinese characters readable."""
    normalized = unicodedata.normalize("NFKC", text).strip().lower()
    slug = re.sub(r"[^\w\s-]", "", normalized)
    slug = re.sub(r"[\s_-]+", "-", slug).strip("-") or "section"
    candidate, number = slug, 2
    while candidate in used:
        candidate = f"{slug}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _highlight_code(code: str, language: str, _attrs) -> str:
    language = language.strip().split()[0] if language.strip() else ""
    lexer = None
    if language and _LANGUAGE_NAME.match(language):
        try:
            lexer = get_lexer_by_name(language)
        except ClassNotFound:
            lexer = None
    body = highlight(code, lexer, _CODE_FORMATTER) if lexer else html.escape(code)
    language_class = f' class="language-{html.escape(language)}"' if lexer else ""
    return f'<pre class="highlight"><code{language_class}>{body}</code></pre>\n'


def _render_math(latex: str, options: dict) -> str:
    display = "block" if options.get("display_mode") else "inline"
    try:
        return latex_to_mathml(latex, display=display)
    except Exception:  # latex2mathml raises many exception types on bad input
        return f'<code class="math-error">{html.escape(latex)}</code>'


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "highlight": _highlight_code})
    parser.enable("table")
    parser.enable("strikethrough")
    dollarmath_plugin(parser, allow_digits=False, double_inline=True, renderer=_render_math)
    return parser


_PARSER = _build_parser()


def _assign_heading_ids(tokens) -> list[dict]:
    toc, used = [], set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = tokens[index + 1].content
        anchor = heading_id(text, used)
        token.attrSet("id", anchor)
        level = int(token.tag[1])
        if level in (2, 3):
            toc.append({"level": level, "id": anchor, "text": text})
    return toc


def _add_anchor_links(rendered: str) -> str:
    return re.sub(
        r'(<h([1-6]) id="([^"]+)">)(.*?)(</h\2>)',
        r'\1\4 <a class="anchor" href="#\3" aria-hidden="true">#</a>\5',
        rendered,
    )


def sanitise_html(fragment: str) -> str:
    """Remove scripts, event handlers and unsafe URLs from an HTML fragment."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
    )


def render_markdown(text: str) -> RenderedMarkdown:
    """Render Markdown to sanitised HTML and collect the h2/h3 table of contents.

    Example: render_markdown("## Why\\n\\n$x^2$").toc == [{"level": 2, "id": "why", "text": "Why"}]
    """
    tokens = _PARSER.parse(text or "")
    toc = _assign_heading_ids(tokens)
    rendered = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return RenderedMarkdown(html=_add_anchor_links(sanitise_html(rendered)), toc=toc)
