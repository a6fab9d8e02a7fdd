"""A deterministic corpus of generated bilingual topics for benchmarks and planner tests.

Words are drawn with Zipf frequencies: the word of rank r has weight 1 / r.
The vocabulary is built with a seeded RNG from the most frequent words of
jieba's dictionary, pseudo-English words made of syllables and the glossary's
terms. Each topic has a short title and summary in both
languages and about 2,000 characters of body, Chinese with some English words
mixed in and English.

`ensure_corpus` fills the database Django is connected to (the benchmark runner
points it at a separate database) and reuses it when the same size and seed
are already there.
"""

import bisect
import itertools
import logging
import os
import random
import time
from dataclasses import dataclass

import jieba
from django.db import connection, transaction
from django.utils import timezone

from kb.content_loader import load_content
from kb.models import Category, GlossaryTerm, Tag, Topic
from kb.search.documents import index_topics, topics_for_indexing

logger = logging.getLogger(__name__)

SEED = 20_240_601
CORPUS_VERSION = 2
CHINESE_WORDS = 12_000
ENGLISH_WORDS = 12_000
BODY_CHARACTERS = 2_000
SLUG_PREFIX = "bench-"
_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
_ENDINGS = ["", "", "", "s", "ing", "ed", "er", "tion", "al"]


@dataclass(frozen=True)
class Vocabulary:
    chinese: list[str]
    english: list[str]
    chinese_weights: list[float]
    english_weights: list[float]


def _zipf_cumulative(size: int) -> list[float]:
    return list(itertools.accumulate(1.0 / rank for rank in range(1, size + 1)))


def _chinese_words(count: int) -> list[str]:
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as handle:
        entries = [line.split() for line in handle]
    words = [
        (int(parts[1]), parts[0])
        for parts in entries
        if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and "\u4e00" <= parts[0][0] <= "\u9fff"
    ]
    words.sort(reverse=True)
    # The most frequent words keep their order, so common words stay common.
    return [word for _frequency, word in words[:count]]


def _english_words(rng: random.Random, count: int) -> list[str]:
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = rng.choice((1, 2, 2, 3, 3, 4))
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(syllables))
        words[stem + rng.choice(_ENDINGS)] = None
    return list(words)


def build_vocabulary(seed: int = SEED) -> Vocabulary:
    """Return the vocabulary with the glossary's spellings placed at seeded ranks."""
    rng = random.Random(seed)
    chinese = _chinese_words(CHINESE_WORDS)
    english = _english_words(rng, ENGLISH_WORDS)
    for term in GlossaryTerm.objects.order_by("slug"):
        chinese.insert(rng.randrange(50, len(chinese)), term.term_zh)
        english.insert(rng.randrange(50, len(english)), term.term_en)
    return Vocabulary(
        chinese, english, _zipf_cumulative(len(chinese)), _zipf_cumulative(len(english))
    )


def _draw(rng: random.Random, words: list[str], cumulative: list[float], count: int) -> list[str]:
    total = cumulative[-1]
    return [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(count)]


def _chinese_text(rng: random.Random, vocabulary: Vocabulary, characters: int) -> str:
    parts, length = [], 0
    while length < characters:
        if rng.random() < 0.08:
            word = _draw(rng, vocabulary.english, vocabulary.english_weights, 1)[0]
        else:
            word = _draw(rng, vocabulary.chinese, vocabulary.chinese_weights, 1)[0]
        parts.append(word)
        length += len(word)
        if rng.random() < 0.08:
            parts.append("。\n\n" if rng.random() < 0.2 else "，")
    return "".join(parts) + "。"


def _english_text(rng: random.Random, vocabulary: Vocabulary, characters: int) -> str:
    parts, length = [], 0
    while length < characters:
        word = _draw(rng, vocabulary.english, vocabulary.english_weights, 1)[0]
        parts.append(word)
        length += len(word) + 1
        if rng.random() < 0.07:
            parts[-1] += "." if rng.random() < 0.7 else ".\n\n"
    return " ".join(parts)


def generate_topic(rng: random.Random, vocabulary: Vocabulary, number: int, size: int) -> Topic:
    """Return an unsaved published topic of about `size` characters of body."""
    chinese_title = "".join(_draw(rng, vocabulary.chinese, vocabulary.chinese_weights, 3))
    english_title = " ".join(_draw(rng, vocabulary.english, vocabulary.english_weights, 4))
    return Topic(
        slug=f"{SLUG_PREFIX}{number:05d}",
        title_zh=chinese_title[:200],
        title_en=english_title.capitalize()[:200],
        summary_zh=_chinese_text(rng, vocabulary, 60),
        summary_en=_english_text(rng, vocabulary, 140),
        body_zh="## "
        + _chinese_text(rng, vocabulary, 8)
        + "\n\n"
        + _chinese_text(rng, vocabulary, size * 3 // 10),
        body_en="## "
        + _english_text(rng, vocabulary, 20)
        + "\n\n"
        + _english_text(rng, vocabulary, size * 7 // 10),
        status=Topic.Status.PUBLISHED,
        order=number,
    )


def insert_topics(count: int, seed: int = SEED, size: int = BODY_CHARACTERS) -> list[int]:
    """Bulk-insert `count` generated topics with tags, categories and search documents.

    Returns the new topic ids. Bodies are not rendered to HTML: bulk_create
    skips Topic.save(), and search reads the Markdown source.
    """
    rng = random.Random(seed)
    vocabulary = build_vocabulary(seed)
    categories = list(Category.objects.all())
    tags = list(Tag.objects.all())
    now = timezone.now()
    topics = []
    for number in range(count):
        topic = generate_topic(rng, vocabulary, number, size)
        topic.category = rng.choice(categories) if categories else None
        topic.created_at = topic.updated_at = now - timezone.timedelta(minutes=number)
        topics.append(topic)
    created = Topic.objects.bulk_create(topics, batch_size=500)

    through = Topic.tags.through
    links = [
        through(topic_id=topic.pk, tag_id=tag.pk)
        for topic in created
        for tag in rng.sample(tags, k=min(len(tags), rng.randint(1, 4)))
    ]
    through.objects.bulk_create(links, batch_size=2_000)
    ids = [topic.pk for topic in created]
    index_topics(topics_for_indexing(Topic.objects.filter(pk__in=ids)), batch_size=500)
    return ids


def _stored_corpus() -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_corpus "
            "(size int, seed int, version int, built timestamptz)"
        )
        cursor.execute("SELECT size, seed, version FROM bench_corpus")
        return cursor.fetchone()


def ensure_corpus(n: int = 10_000, seed: int = SEED) -> int:
    """Make the connected database hold the shipped content plus `n` generated topics.

    Rebuilds everything unless the same n, seed and corpus version are stored.
    Returns the number of generated topics.
    """
    if _stored_corpus() == (n, seed, CORPUS_VERSION):
        logger.info("Reusing the benchmark corpus of %d topics (seed %d)", n, seed)
        return n

    started = time.monotonic()
    logger.info("Building a benchmark corpus of %d topics (seed %d)", n, seed)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_corpus")
            cursor.execute(
                "TRUNCATE kb_topic, kb_topic_tags, kb_topic_related, kb_topicsearchdocument, "
                "kb_searchterm, kb_historicaltopic, kb_historicaltopic_tags CASCADE"
            )
        load_content()
        insert_topics(n, seed)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_corpus VALUES (%s, %s, %s, now())", [n, seed, CORPUS_VERSION]
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE kb_topicsearchdocument")
        cursor.execute("VACUUM ANALYZE kb_topic")
    logger.info("Built the corpus in %.1f s", time.monotonic() - started)
    return n
