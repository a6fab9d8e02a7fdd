"""Search latency through kb.search.search, database round trips included."""

import time

from django.core.management import call_command
from django.db import connection

from kb.search import search

from .corpus import ensure_corpus

CORPUS_SIZE = 10_000
ROUNDS = 25
BENCHMARK = "Search over 10,000 generated topics"


def _frequent_words() -> tuple[str, str]:
    """Return the most common Chinese and English lexemes of the generated bodies."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT head FROM kb_topicsearchdocument') "
            "ORDER BY ndoc DESC LIMIT 200"
        )
        rows = cursor.fetchall()
    chinese = next(word for word, _count in rows if "\u4e00" <= word[0] <= "\u9fff")
    english = next(word for word, _count in rows if word.isascii() and word.isalpha())
    return chinese, english


def _queries() -> list[str]:
    chinese, english = _frequent_words()
    return [
        chinese,  # matches most topics
        english,  # matches most topics
        f"{chinese} {english}",
        "的",  # stop word only: answered without the database
        "学习率",
        "learning rate",
        "transformer 学习率 warmup",
        "位置编码",
        "positional encoding",
        "重排序",
        "gradient clipping",
        '"learning rate"',
        f"{english} -{chinese}",
        f"{chinese} OR 位置编码",
        "LoRA微调",
        "nginx reverse proxy",
        "余弦退火",
        "数据漂移 监控",
        "zyxwvut",  # no match: runs the typo fallback
        "learnig rate",  # typo: corrected
    ]


def _match_counts(queries: list[str]) -> list[int]:
    return [search(query).total for query in queries]


def run(report) -> None:
    call_command("migrate", verbosity=0)
    ensure_corpus(CORPUS_SIZE)
    queries = _queries()
    counts = _match_counts(queries)  # also warms caches and the glossary

    by_query: dict[str, list[float]] = {query: [] for query in queries}
    for _round in range(ROUNDS):
        for query in queries:
            started = time.perf_counter()
            search(query, language="zh")
            by_query[query].append(time.perf_counter() - started)

    all_samples = [sample for samples in by_query.values() for sample in samples]
    report.add(BENCHMARK, "all queries", all_samples, median_target_ms=15, p99_target_ms=50)
    for query, count in zip(queries, counts, strict=True):
        report.add(BENCHMARK, f"`{query}` ({count} matches)", by_query[query])
    report.note(
        BENCHMARK,
        f"Each query ran {ROUNDS} times in turn after one warm-up run, through "
        "kb.search.search (page 1, 10 hits with snippets, category and tag counts) "
        "with its database round trips to the embedded PostgreSQL over a Unix socket.",
    )
