"""A short load test through gunicorn: mixed traffic, no errors, bounded memory."""

import pytest

from tests.load.run import run_load

pytestmark = pytest.mark.e2e

SECONDS = 15
USERS = 10
# A sync worker with the content loaded uses well under this. A leak of the
# page cache or of connections would pass it within the run.
MAX_WORKER_RSS_MB = 400


def test_mixed_traffic_has_no_errors(stack):
    result = run_load(stack.gunicorn_url, stack.gunicorn.pid, SECONDS, USERS)
    summary = (
        f"{result.requests} requests, {result.failures} errors, "
        f"{result.requests_per_second:.0f}/s, median {result.median_ms} ms, "
        f"p99 {result.p99_ms} ms, worker RSS peak {result.max_worker_rss_mb:.0f} MB"
    )
    print(summary)
    assert result.requests > 100, summary
    assert result.failures == 0, summary
    assert result.workers == 2
    assert result.max_worker_rss_mb < MAX_WORKER_RSS_MB, summary
    names = {endpoint.name for endpoint in result.endpoints}
    expected = {"/[lang]/topics/[slug]/", "search", "/api/schema/", "calculator page"}
    assert expected <= names
