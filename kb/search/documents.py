"""Build and store the search document of each topic.

One tsvector contains both languages:
- weight A: the titles;
- weight B: the summaries, tag and category names, and every spelling (both
  languages and aliases) of the glossary terms that the title, summary, tags or
  the body's outline lines (headings and top-level numbered items) mention;
- weight C: the bodies.
Latin-script words go through PostgreSQL's `english` configuration (stemmed,
stop words dropped). Chinese words are segmented here and written as lexemes
directly, which is what the `simple` configuration would make of them, together
with the dictionary words inside each longer word at the same position.
Glossary terms that only the body mentions are found at query time instead
(kb.search.tsquery expands every query term through the glossary).
"""

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from ..models import Topic
from .glossary import GlossaryIndex, current_glossary, token_keys
from .lexemes import quote_lexeme
from .segmentation import Segmenter, latin_text, script_tokens
from .snippets import without_hidden_html

logger = logging.getLogger(__name__)

# PostgreSQL keeps positions up to 16383 and at most 256 of them per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 255
# Vocabulary words kept for typo correction, in characters.
VOCABULARY_WORD_LENGTHS = {"latin": (3, 40), "han": (2, 20)}

_OUTLINE_LINE = re.compile(r"^(?:#{1,6}\s+|\d{1,3}[.)]\s+)(.+)$", re.MULTILINE)
_ALPHABETIC_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class _HanVector:
    """Chinese lexemes with weighted positions, written as a tsvector literal."""

    positions: dict[str, list[str]] = field(default_factory=dict)
    next_position: int = 1

    def add(self, text: str, weight: str, segmenter: Segmenter) -> None:
        for token in script_tokens(text):
            if token.kind != "han":
                continue
            for word in segmenter.cut_with_subwords(token.text):
                position = f"{min(self.next_position, MAX_POSITION)}{weight}"
                for lexeme in (word.word, *word.subwords):
                    entries = self.positions.setdefault(lexeme, [])
                    if len(entries) < MAX_POSITIONS_PER_LEXEME:
                        entries.append(position)
                self.next_position += 1
        # A gap keeps phrases from matching across two fields.
        self.next_position += 1

    def literal(self) -> str:
        return " ".join(
            f"{quote_lexeme(lexeme)}:{','.join(positions)}"
            for lexeme, positions in self.positions.items()
        )


@dataclass
class DocumentRow:
    topic_id: int
    latin: dict[str, str]
    # Tag and category names only: the head contains the titles (A) and these (B).
    head_latin: str
    han_document: str
    han_head: str
    titles: str
    published: bool
    category_id: int | None
    tag_ids: list[int]
    updated_at: object
    vocabulary: set[str]


def outline_lines(markdown: str) -> list[str]:
    """Return the heading and top-level numbered item lines of a Markdown body."""
    return _OUTLINE_LINE.findall(markdown)


def _mentioned_spellings(texts: Sequence[str], glossary: GlossaryIndex) -> list[str]:
    spellings: dict[str, None] = {}
    for text in texts:
        keys = [key for key in token_keys(glossary.segmenter.tokens(text)) if key]
        for _start, _end, entries in glossary.match(keys):
            for entry in entries:
                spellings.update(dict.fromkeys(entry.spellings))
    return list(spellings)


def _vocabulary(texts: Iterable[str], segmenter: Segmenter) -> set[str]:
    """Return the lowercase Latin words and the Chinese words of `texts`."""
    latin_low, latin_high = VOCABULARY_WORD_LENGTHS["latin"]
    han_low, han_high = VOCABULARY_WORD_LENGTHS["han"]
    words = set()
    for text in texts:
        for token in script_tokens(text):
            if token.kind == "latin":
                candidates = (word.lower() for word in _ALPHABETIC_WORD.findall(token.text))
                words.update(w for w in candidates if latin_low <= len(w) <= latin_high)
            else:
                candidates = segmenter.cut(token.text)
                words.update(w for w in candidates if han_low <= len(w) <= han_high)
    return words


def build_row(topic: Topic, glossary: GlossaryIndex) -> DocumentRow:
    """Collect the texts of every weight; the topic's tags and category must be loaded."""
    tags = list(topic.tags.all())
    names = [tag.name_zh for tag in tags] + [tag.name_en for tag in tags]
    if topic.category is not None:
        names += [topic.category.name_zh, topic.category.name_en]
    titles = [topic.title_zh, topic.title_en]
    summaries = [topic.summary_zh, topic.summary_en]
    # The page drops scripts, styles and comments, so the index does too.
    bodies = [without_hidden_html(topic.body_zh), without_hidden_html(topic.body_en)]
    outlines = [line for body in bodies for line in outline_lines(body)]
    spellings = _mentioned_spellings(titles + summaries + names + outlines, glossary)

    weighted = {
        "A": titles,
        "B": summaries + names + spellings,
        "C": bodies,
    }
    head = {"A": titles, "B": names}
    han_head, han_document = _HanVector(), _HanVector()
    for weight, texts in head.items():
        for text in texts:
            han_head.add(text, weight, glossary.segmenter)
    for weight, texts in weighted.items():
        for text in texts:
            han_document.add(text, weight, glossary.segmenter)

    return DocumentRow(
        topic_id=topic.pk,
        latin={
            weight: "\n".join(latin_text(t) for t in texts) for weight, texts in weighted.items()
        },
        head_latin="\n".join(latin_text(text) for text in names),
        han_document=han_document.literal(),
        han_head=han_head.literal(),
        titles=" ".join(title for title in titles if title),
        published=topic.status == Topic.Status.PUBLISHED,
        category_id=topic.category_id,
        tag_ids=sorted(tag.pk for tag in tags),
        updated_at=topic.updated_at,
        vocabulary=_vocabulary(titles + summaries + bodies, glossary.segmenter),
    )


_UPSERT = """
INSERT INTO kb_topicsearchdocument
    (topic_id, document, head, titles, published, category_id, tag_ids, updated_at)
SELECT %(topic_id)s,
       title || setweight(to_tsvector('english', %(b)s), 'B')
           || setweight(to_tsvector('english', %(c)s), 'C') || %(han_document)s::tsvector,
       title || setweight(to_tsvector('english', %(head_b)s), 'B') || %(han_head)s::tsvector,
       %(titles)s, %(published)s, %(category_id)s, %(tag_ids)s, %(updated_at)s
FROM (SELECT setweight(to_tsvector('english', %(a)s), 'A') AS title) AS parts
ON CONFLICT (topic_id) DO UPDATE SET
    document = EXCLUDED.document, head = EXCLUDED.head, titles = EXCLUDED.titles,
    published = EXCLUDED.published, category_id = EXCLUDED.category_id,
    tag_ids = EXCLUDED.tag_ids, updated_at = EXCLUDED.updated_at
"""


def write_rows(rows: Sequence[DocumentRow]) -> None:
    """Store documents and add their words to the typo-correction vocabulary."""
    if not rows:
        return
    parameters = [
        {
            "topic_id": row.topic_id,
            "a": row.latin["A"],
            "b": row.latin["B"],
            "c": row.latin["C"],
            "head_b": row.head_latin,
            "han_document": row.han_document,
            "han_head": row.han_head,
            "titles": row.titles,
            "published": row.published,
            "category_id": row.category_id,
            "tag_ids": row.tag_ids,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]
    # Sorted words take row locks in one order, so two saves cannot deadlock on them.
    vocabulary = sorted(set().union(*(row.vocabulary for row in rows)))
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, parameters)
        cursor.execute(
            "INSERT INTO kb_searchterm (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            [vocabulary],
        )


def index_topics(
    topics: Iterable[Topic],
    *,
    batch_size: int = 200,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Rebuild the search documents of `topics`; return how many were written.

    Call inside the transaction that changed the topics, so the index never
    shows a state the database did not commit.
    """
    glossary = current_glossary()
    written = 0
    batch: list[Topic] = []

    def flush() -> None:
        nonlocal written
        write_rows([build_row(topic, glossary) for topic in batch])
        written += len(batch)
        if progress:
            progress(len(batch))
        batch.clear()

    for topic in topics:
        batch.append(topic)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return written


def topics_for_indexing(queryset=None):
    """Topics with what build_row reads loaded in bulk."""
    queryset = Topic.objects.all() if queryset is None else queryset
    return queryset.select_related("category").prefetch_related("tags").order_by("pk")


def index_topic_ids(topic_ids: Iterable[int]) -> int:
    ids = sorted(set(topic_ids))
    if not ids:
        return 0
    return index_topics(topics_for_indexing(Topic.objects.filter(pk__in=ids)))


def index_topic(topic: Topic) -> None:
    """Rebuild one topic's search document from the database state of its tags."""
    index_topic_ids([topic.pk])
