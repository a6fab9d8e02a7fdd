"""Match, count and rank topics in SQL against the stored search documents.

Ranking. The score is ts_rank over the reader's own positive words, OR-ed, with
weights A (titles) 1.0, B (summaries, tags, glossary terms) 0.4, C (bodies)
0.1. With OR-ed words ts_rank averages over the query words the best weight at
which each word occurs (extra occurrences add a little, bounded), so a word in
a title always outscores the same word repeated many times in a body. Glossary
expansions add EXPANSION_WEIGHT times the score of the best expanded spelling
that occurs in the topic. A spelling scores the ts_rank of its weakest word and
counts only when the topic contains all its words, so "model deployment" does
not rank a topic up for the word "model" alone. Ties go to the most recently
updated topic.

Cost. ts_rank has to read the whole document, which PostgreSQL stores
compressed out of line, so ranking thousands of matches would read megabytes.
The query therefore ranks all matches by the small `head` vector (titles, tag
and category names) and the update time, and computes the full score for the
first RERANK_WINDOW of them only. Results past that window keep the cheaper
order, and summaries and bodies count only inside the window.
"""

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from ..models import Category, Tag, Topic
from .tsquery import CompiledQuery

RERANK_WINDOW = 30
FULL_WEIGHTS = "{0, 0.1, 0.4, 1.0}"  # ts_rank order: D, C, B, A
HEAD_WEIGHTS = "{0, 0, 0.4, 1.0}"
# Share of the score that a match through a glossary expansion adds, below the
# reader's own words so that a topic containing them ranks first.
EXPANSION_WEIGHT = 0.5


@contextmanager
def index_scans() -> Iterator[None]:
    """Plan the statements run inside without sequential scans of the search documents.

    For a word in most topics the planner prefers a sequential scan, which
    evaluates @@ on every document and so decompresses every out-of-line
    tsvector (about 100 ms for 10,000 topics of 2,000 characters). The GIN
    bitmap scan returns the same matches from the index without reading the
    documents. The planner cannot see that cost, so it is told here, for
    these statements only: the setting is transaction-local and restored.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        yield
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])


@dataclass(frozen=True)
class Filters:
    include_drafts: bool = False
    category_id: int | None = None
    tag_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RankedId:
    topic_id: int
    rank: float


def _where(filters: Filters, *, with_category: bool = True) -> tuple[str, dict]:
    conditions = ["d.document @@ %(match)s::tsquery"]
    parameters: dict = {}
    if not filters.include_drafts:
        conditions.append("d.published")
    if filters.tag_ids:
        conditions.append("d.tag_ids @> %(tag_ids)s::bigint[]")
        parameters["tag_ids"] = list(filters.tag_ids)
    if with_category and filters.category_id is not None:
        conditions.append("d.category_id = %(category_id)s")
        parameters["category_id"] = filters.category_id
    return " AND ".join(conditions), parameters


@dataclass
class Facets:
    total: int
    category_counts: dict[int | None, int]
    tag_counts: dict[int, int]


def count_matches(compiled: CompiledQuery, filters: Filters) -> Facets:
    """Count matches in total, per category (ignoring the category filter) and per tag.

    One GIN index scan feeds all three counts. Category counts ignore the
    category filter so that a page can offer the other categories.
    """
    where, parameters = _where(filters, with_category=False)
    sql = f"""
        WITH matched AS MATERIALIZED (
            SELECT d.category_id, d.tag_ids FROM kb_topicsearchdocument d WHERE {where}
        )
        SELECT 'category', category_id, count(*) FROM matched GROUP BY category_id
        UNION ALL
        SELECT 'tag', tag_id, count(*)
        FROM (
            SELECT unnest(tag_ids) AS tag_id FROM matched
            WHERE %(category_id)s::bigint IS NULL OR category_id = %(category_id)s
        ) AS tagged
        GROUP BY tag_id
    """  # noqa: S608 (the interpolated parts are fixed SQL; values are parameters)
    parameters |= {"match": compiled.match, "category_id": filters.category_id}
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()

    category_counts = {key: count for kind, key, count in rows if kind == "category"}
    tag_counts = {key: count for kind, key, count in rows if kind == "tag"}
    if filters.category_id is None:
        total = sum(category_counts.values())
    else:
        total = category_counts.get(filters.category_id, 0)
    return Facets(total, category_counts, tag_counts)


def matches_any(match: str, filters: Filters) -> bool:
    """Return whether at least one topic within `filters` matches the tsquery `match`."""
    where, parameters = _where(filters)
    sql = f"SELECT EXISTS (SELECT 1 FROM kb_topicsearchdocument d WHERE {where})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters | {"match": match})
        return cursor.fetchone()[0]


def ranked_ids(
    compiled: CompiledQuery, filters: Filters, offset: int, limit: int, *, rerank: bool = True
) -> list[RankedId]:
    """Return the topic ids at [offset, offset + limit) of the ranked matches."""
    where, parameters = _where(filters)
    window = max(RERANK_WINDOW, offset + limit)
    rerank_window = RERANK_WINDOW if rerank else 0
    sql = f"""
        WITH cheap AS (
            SELECT d.topic_id, d.updated_at, d.document,
                   ts_rank(%(head_weights)s, d.head, %(rank)s::tsquery) AS head_rank
            FROM kb_topicsearchdocument d
            WHERE {where}
            ORDER BY head_rank DESC, d.updated_at DESC, d.topic_id DESC
            LIMIT %(window)s
        ), numbered AS (
            SELECT *, row_number() OVER (
                ORDER BY head_rank DESC, updated_at DESC, topic_id DESC
            ) AS cheap_position
            FROM cheap
        )
        SELECT topic_id,
               CASE WHEN cheap_position <= %(rerank)s
                    THEN ts_rank(%(full_weights)s, document, %(own_rank)s::tsquery)
                         + %(expansion_weight)s * coalesce((
                             SELECT max(spelling_rank) FROM (
                                 SELECT min(ts_rank(%(full_weights)s, document, e.word::tsquery))
                                        AS spelling_rank
                                 FROM unnest(%(expansion_ids)s::int[], %(expansion_words)s::text[])
                                      AS e(id, word)
                                 GROUP BY e.id
                                 HAVING bool_and(document @@ e.word::tsquery)
                             ) AS spellings
                         ), 0)
               END AS full_rank,
               head_rank
        FROM numbered
        ORDER BY cheap_position > %(rerank)s, full_rank DESC NULLS LAST,
                 updated_at DESC, topic_id DESC, cheap_position
        OFFSET %(offset)s LIMIT %(limit)s
    """  # noqa: S608 (the interpolated parts are fixed SQL; values are parameters)
    parameters |= {
        "match": compiled.match,
        "rank": compiled.rank or compiled.match,
        "own_rank": compiled.own_rank or compiled.rank or compiled.match,
        "expansion_ids": [
            number for number, words in enumerate(compiled.expansions) for _word in words
        ],
        "expansion_words": [word for words in compiled.expansions for word in words],
        "expansion_weight": EXPANSION_WEIGHT,
        "head_weights": HEAD_WEIGHTS,
        "full_weights": FULL_WEIGHTS,
        "window": window,
        "rerank": rerank_window,
        "offset": offset,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return [
            RankedId(topic_id, float(full if full is not None else head))
            for topic_id, full, head in cursor.fetchall()
        ]


def fetch_topics(ids: Sequence[int]) -> list[Topic]:
    """Load topics in the order of `ids`, with their categories."""
    by_id = Topic.objects.select_related("category").in_bulk(list(ids))
    return [by_id[topic_id] for topic_id in ids if topic_id in by_id]


def num_pages(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def counted_categories(counts: dict[int | None, int]) -> list[tuple[Category, int]]:
    categories = Category.objects.filter(pk__in=[key for key in counts if key is not None])
    return [(category, counts[category.pk]) for category in categories]


def counted_tags(counts: dict[int, int]) -> list[tuple[Tag, int]]:
    tags = list(Tag.objects.filter(pk__in=list(counts)))
    tags.sort(key=lambda tag: (-counts[tag.pk], tag.order, tag.slug))
    return [(tag, counts[tag.pk]) for tag in tags]
