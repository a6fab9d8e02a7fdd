"""Load test through gunicorn with locust, and its section of docs/benchmarks.md.

`make load` (python -m tests.load.run) starts Redis, a scratch database with
the shipped content, and gunicorn with deploy/gunicorn.conf.py and its default
worker count. It sends mixed traffic from tests/load/locustfile.py for
KB_LOAD_SECONDS (default 60) with KB_LOAD_USERS users (default 20), samples
the workers' resident memory, and writes the figures between the load-test
markers of docs/benchmarks.md. tests/e2e/test_load.py runs a shorter version.
"""

import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- load-test:start -->"
SECTION_END = "<!-- load-test:end -->"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# Endpoints the traffic uses when the site has them; probed before each run.
OPTIONAL_CANDIDATES = {
    "search": "/{lang}/search/?q={query}",
    "api_topics": "/api/topics/",
    "calculator": (
        "/api/calculators/lr-schedule/"
        "?schedule=cosine&base_lr=0.001&total_steps=1000&warmup_steps=100"
    ),
    "calculator_page": (
        "/{lang}/calculators/lr-schedule/"
        "?schedule=cosine&base_lr=0.0003&total_steps=5000&warmup_steps=200"
    ),
}


@dataclass
class EndpointStats:
    name: str
    requests: int
    failures: int
    median_ms: float
    p99_ms: float


@dataclass
class LoadResult:
    seconds: float
    users: int
    requests: int
    failures: int
    requests_per_second: float
    median_ms: float
    p99_ms: float
    endpoints: list[EndpointStats]
    workers: int
    rss_start_mb: dict[int, float]
    rss_max_mb: dict[int, float]
    rss_end_mb: dict[int, float]
    optional_paths: dict[str, str] = field(default_factory=dict)
    # Which PostgreSQL served the run, for the report.
    database: str = "PostgreSQL"
    # The host's 1-minute load average just before the run: other work on the
    # same cores slows every figure down.
    load_before: float = 0.0

    @property
    def max_worker_rss_mb(self) -> float:
        return max(self.rss_max_mb.values(), default=0.0)


def probe_optional_paths(base_url: str) -> dict[str, str]:
    """Return the optional endpoints that return 200, as name → path template."""
    found = {}
    for name, template in OPTIONAL_CANDIDATES.items():
        path = template.format(lang="en", query="warmup")
        response = requests.get(
            f"{base_url}{path}", headers={"X-Forwarded-Proto": "https"}, timeout=10
        )
        if response.status_code == 200:
            found[name] = template
    return found


def worker_pids(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float | None:
    try:
        resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * PAGE_SIZE / 1024 / 1024


class MemorySampler(threading.Thread):
    """Samples each gunicorn worker's resident memory every half second."""

    def __init__(self, master_pid: int):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.samples: dict[int, list[float]] = {}
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            for pid in worker_pids(self.master_pid):
                value = rss_mb(pid)
                if value is not None:
                    self.samples.setdefault(pid, []).append(value)
            self.stop_event.wait(0.5)


def read_locust_stats(prefix: Path) -> tuple[EndpointStats, list[EndpointStats], float]:
    """Parse locust's *_stats.csv: the aggregated row, each endpoint, and requests/s."""
    endpoints, total, rate = [], None, 0.0
    with open(f"{prefix}_stats.csv", newline="") as stats_file:
        for row in csv.DictReader(stats_file):
            stats = EndpointStats(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                median_ms=float(row["Median Response Time"] or 0),
                p99_ms=float(row["99%"] or 0) if row["99%"] != "N/A" else 0.0,
            )
            if row["Name"] == "Aggregated":
                total, rate = stats, float(row["Requests/s"])
            else:
                endpoints.append(stats)
    if total is None:
        raise RuntimeError(f"locust wrote no aggregated row to {prefix}_stats.csv")
    return total, endpoints, rate


def run_load(base_url: str, master_pid: int, seconds: int, users: int) -> LoadResult:
    """Send the mixed traffic to `base_url` for `seconds` and measure it."""
    optional = probe_optional_paths(base_url)
    load_before = os.getloadavg()[0]
    sampler = MemorySampler(master_pid)
    sampler.start()
    time.sleep(1)
    with tempfile.TemporaryDirectory(prefix="kb-locust-") as folder:
        prefix = Path(folder) / "load"
        env = {**os.environ, "KB_LOAD_OPTIONAL_PATHS": json.dumps(optional)}
        command = [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            base_url,
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 2)),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "5",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        started = time.monotonic()
        # Exit code 1 only means that some requests failed, and the CSV holds the count.
        subprocess.run(command, env=env, capture_output=True, timeout=seconds + 120, check=False)
        elapsed = time.monotonic() - started
        total, endpoints, rate = read_locust_stats(prefix)
    sampler.stop_event.set()
    sampler.join(5)

    samples = sampler.samples
    return LoadResult(
        seconds=round(elapsed, 1),
        users=users,
        requests=total.requests,
        failures=total.failures,
        requests_per_second=rate,
        median_ms=total.median_ms,
        p99_ms=total.p99_ms,
        endpoints=endpoints,
        workers=len(samples),
        rss_start_mb={pid: values[0] for pid, values in samples.items()},
        rss_max_mb={pid: max(values) for pid, values in samples.items()},
        rss_end_mb={pid: values[-1] for pid, values in samples.items()},
        optional_paths=optional,
        load_before=round(load_before, 2),
    )


def format_section(result: LoadResult) -> str:
    cpu = platform.processor() or platform.machine()
    date = datetime.now(UTC).strftime("%Y-%m-%d")
    used = ", ".join(sorted(result.optional_paths)) or "none"
    lines = [
        SECTION_START,
        "## Load test through gunicorn (`make load`)",
        "",
        f"Measured {date} on a {os.cpu_count()}-core {cpu} machine: locust "
        f"({result.users} users, {result.seconds:.0f} s, loopback) against gunicorn "
        f"with deploy/gunicorn.conf.py ({result.workers} sync workers), Redis cache, "
        f"and {result.database} with the shipped content. "
        "Traffic: topic pages, home, topic list, glossary, searches, /api/schema/, "
        f"/readyz; optional endpoints present in this run: {used}. The API's rate "
        "limits are off, because all traffic comes from one address. The load generator "
        "runs on the same cores as gunicorn, PostgreSQL and Redis, so the figures "
        "show the whole stack on one host, not gunicorn's ceiling. The host's 1-minute "
        f"load average before the run was {result.load_before}.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {result.requests} |",
        f"| errors | {result.failures} |",
        f"| requests per second | {result.requests_per_second:.1f} |",
        f"| median latency | {result.median_ms:.0f} ms |",
        f"| 99th percentile latency | {result.p99_ms:.0f} ms |",
        f"| worker RSS at start (max over workers) | {max(result.rss_start_mb.values()):.0f} MB |",
        f"| worker RSS peak (max over workers) | {result.max_worker_rss_mb:.0f} MB |",
        f"| worker RSS at end (max over workers) | {max(result.rss_end_mb.values()):.0f} MB |",
        "",
        "| endpoint | requests | errors | median ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for endpoint in result.endpoints:
        lines.append(
            f"| {endpoint.name} | {endpoint.requests} | {endpoint.failures} "
            f"| {endpoint.median_ms:.0f} | {endpoint.p99_ms:.0f} |"
        )
    lines.append(SECTION_END)
    return "\n".join(lines) + "\n"


def with_load_section(text: str, path: Path = BENCHMARKS) -> str:
    """Return `text` followed by the load-test section currently in `path`, if any.

    Lets other writers of docs/benchmarks.md (make bench) rewrite the file
    without losing this section.
    """
    old = path.read_text() if path.exists() else ""
    if SECTION_START not in old or SECTION_END not in old:
        return text
    section = SECTION_START + old.split(SECTION_START, 1)[1].split(SECTION_END, 1)[0] + SECTION_END
    return text.rstrip("\n") + "\n\n" + section + "\n"


def write_section(result: LoadResult, path: Path = BENCHMARKS) -> None:
    """Replace the load-test section of `path`, or append it when missing."""
    section = format_section(result)
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def describe_database(server) -> str:
    with server.connect() as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "the embedded server"
    return f"PostgreSQL {version.split()[0]} ({where})"


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    from tests import servers

    seconds = int(os.environ.get("KB_LOAD_SECONDS", "60"))
    users = int(os.environ.get("KB_LOAD_USERS", "20"))
    with tempfile.TemporaryDirectory(prefix="kb-load-") as folder:
        logs = Path(folder)
        database = servers.current_database_server()
        url = servers.prepare_content_database(database, "kb_load")
        redis = servers.start_redis(logs)
        gunicorn = None
        try:
            gunicorn, base_url = servers.start_gunicorn(
                url,
                logs,
                REDIS_URL=redis.url,
                KB_WORKERS=os.environ.get("KB_WORKERS", str(os.cpu_count() * 2 + 1)),
            )
            result = run_load(base_url, gunicorn.pid, seconds, users)
            result.database = describe_database(database)
        finally:
            if gunicorn:
                gunicorn.stop()
            redis.stop()
            database.drop_database("kb_load")
    write_section(result)
    print(format_section(result))


if __name__ == "__main__":
    main()
