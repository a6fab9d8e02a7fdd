"""Latency of the topic list of the REST API over 10,000 generated topics, in process."""

import time

from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from .corpus import ensure_corpus

CORPUS_SIZE = 10_000
ROUNDS = 60
BENCHMARK = "REST API over 10,000 generated topics"
URLS = {
    "GET /api/topics/?page_size=50": "/api/topics/?page_size=50",
    "GET /api/topics/?page_size=50&page=100&ordering=-updated_at": (
        "/api/topics/?page_size=50&page=100&ordering=-updated_at"
    ),
    "GET /api/topics/?page_size=50&tags=rag,llm": "/api/topics/?page_size=50&tags=rag,llm",
    "GET /api/topics/rag-optimization/": "/api/topics/rag-optimization/",
}
LIST_TARGET_URL = "GET /api/topics/?page_size=50"


def _timed_get(client: Client, url: str) -> float:
    # Anonymous reads are cached; clearing first measures the work of a cache miss.
    cache.clear()
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return elapsed


def _query_count(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def run(report) -> None:
    call_command("migrate", verbosity=0)
    ensure_corpus(CORPUS_SIZE)
    cache.clear()
    # The bench is one anonymous client far above any rate limit.
    with override_settings(KB_API_ANON_RATE="", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        for url in URLS.values():
            _timed_get(client, url)  # warm-up: connection, URL resolver, jieba-free paths

        samples = {case: [] for case in URLS}
        for _round in range(ROUNDS):
            for case, url in URLS.items():
                samples[case].append(_timed_get(client, url))
        queries = {case: _query_count(client, url) for case, url in URLS.items()}

    for case, durations in samples.items():
        target = 30 if case == LIST_TARGET_URL else None
        report.add(BENCHMARK, f"`{case}` ({queries[case]} queries)", durations, target)
    report.note(
        BENCHMARK,
        f"Each request ran {ROUNDS} times in turn after one warm-up request, through "
        "Django's test client in process (middleware, DRF, JSON rendering, ETag query "
        "included) against the embedded PostgreSQL over a Unix socket.",
    )
