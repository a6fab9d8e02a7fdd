"""The result types of a search, and the highlighted hits built for them."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..models import Category, Tag, Topic
from .lexemes import english_tsqueries
from .ranking import RankedId
from .snippets import LATIN_WORD_IN_TEXT, Highlighter, marked_html, plain_text, snippet_html
from .tsquery import CompiledQuery


@dataclass(frozen=True)
class SearchHit:
    topic: Topic
    rank: float
    # Escaped text with the matched words in <mark>, in the reader's language
    # (or the topic's other language when the reader's is missing).
    title_html: str
    snippet_html: str
    # The content language of title_html and snippet_html: "zh" or "en".
    language: str = "zh"


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = 10
    num_pages: int = 1
    # Matches per category for the query and tag filters, ignoring the category filter.
    category_counts: list[tuple[Category, int]] = field(default_factory=list)
    # Matches per tag within the results (all filters applied), most frequent first.
    tag_counts: list[tuple[Tag, int]] = field(default_factory=list)
    # A corrected query, set only when `query` itself matched nothing; the hits,
    # total and counts are then those of the corrected query.
    suggestion: str | None = None
    # A short explanation in the reader's language when the query cannot run as
    # typed: no searchable words, only exclusions, or words beyond the limit.
    notice: str | None = None

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def _highlighter(compiled: CompiledQuery, texts: Sequence[str]) -> Highlighter:
    """Prepare a highlighter whose lexeme lookups for the words of `texts` are done in bulk."""
    lexemes: dict[str, str] = {}
    if compiled.latin_lexemes:
        words = {m.group().lower() for text in texts for m in LATIN_WORD_IN_TEXT.finditer(text)}
        lexemes = english_tsqueries(words)

    def lexeme_of(word: str) -> str:
        return lexemes.get(word, "").strip("'")

    return Highlighter(compiled.latin_lexemes, compiled.han_words, lexeme_of)


def build_hits(
    topics: Sequence[Topic], ranked: Sequence[RankedId], compiled: CompiledQuery, language: str
) -> list[SearchHit]:
    """Highlight each topic's title and best passage in the language the reader sees."""
    rank_of = {item.topic_id: item.rank for item in ranked}
    shown = {topic.pk: topic.shown_language(language) for topic in topics}
    bodies = {topic.pk: plain_text(getattr(topic, f"body_{shown[topic.pk]}")) for topic in topics}
    titles = {
        topic.pk: getattr(topic, f"title_{shown[topic.pk]}") or topic.title for topic in topics
    }
    summaries = {topic.pk: getattr(topic, f"summary_{shown[topic.pk]}") for topic in topics}
    highlighter = _highlighter(compiled, [*bodies.values(), *titles.values(), *summaries.values()])

    hits = []
    for topic in topics:
        topic_language = shown[topic.pk]
        title = titles[topic.pk]
        snippet, matched = snippet_html(bodies[topic.pk], highlighter, topic_language)
        if not matched and summaries[topic.pk]:
            snippet, _matched = snippet_html(summaries[topic.pk], highlighter, topic_language)
        hits.append(
            SearchHit(
                topic=topic,
                rank=rank_of.get(topic.pk, 0.0),
                title_html=marked_html(title, highlighter.spans(title)),
                snippet_html=snippet,
                language=topic_language,
            )
        )
    return hits
