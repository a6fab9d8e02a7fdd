"""On a corpus of a few thousand topics the planner uses the GIN index for search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.search import search
from tests.bench.corpus import insert_topics

GENERATED_TOPICS = 2_000


@pytest.fixture
def generated_corpus(db):
    insert_topics(GENERATED_TOPICS, seed=7, size=200)
    with connection.cursor() as cursor:
        # Rows inserted in this transaction wait in the GIN pending list, which the
        # planner prices as a full scan; autovacuum merges it on a live server.
        cursor.execute("SELECT gin_clean_pending_list('kb_search_document_gin'::regclass)")
        cursor.execute("ANALYZE kb_topicsearchdocument")


def _plans(query: str) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        results = search(query, language="en")
    assert results.total > 0
    plans = []
    for captured in context.captured_queries:
        sql = captured["sql"]
        if "kb_topicsearchdocument" not in sql or "@@" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.django_db
def test_search_uses_gin_index(generated_corpus):
    # One test for several queries: generating the corpus is the slow part.
    for query in ["gradient clipping", "梯度裁剪", "reranking"]:
        plans = _plans(query)
        assert len(plans) == 2, query  # counts and ranked page
        for plan in plans:
            assert "kb_search_document_gin" in plan, plan
