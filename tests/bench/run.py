"""Run every benchmark module and write docs/benchmarks.md.

    make bench            # or: DJANGO_SECRET_KEY=... python -m tests.bench.run

Interface for benchmark modules: each `tests/bench/bench_*.py` defines

    def run(report: Report) -> None

and records its measurements with

    report.add(benchmark, case, samples, median_target_ms=None, p99_target_ms=None)

where `samples` are durations in seconds. A row passes when its median and
99th percentile are at or below the targets given; rows without targets are
informational. `report.note(benchmark, text)` adds a sentence under the
benchmark's table. Django is set up before the modules are imported, with the
database named by KB_DB_NAME (default kb_bench) on the configured server, so
benchmarks never touch the development database. The runner exits with status
1 when any row fails.
"""

import datetime
import importlib
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "benchmarks.md"
BENCH_DATABASE = "kb_bench"


@dataclass
class Row:
    case: str
    samples: int
    median_ms: float
    p99_ms: float
    median_target_ms: float | None
    p99_target_ms: float | None

    @property
    def passed(self) -> bool | None:
        if self.median_target_ms is None and self.p99_target_ms is None:
            return None
        median_ok = self.median_target_ms is None or self.median_ms <= self.median_target_ms
        p99_ok = self.p99_target_ms is None or self.p99_ms <= self.p99_target_ms
        return median_ok and p99_ok


@dataclass
class Report:
    tables: dict[str, list[Row]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def add(
        self,
        benchmark: str,
        case: str,
        samples: list[float],
        median_target_ms: float | None = None,
        p99_target_ms: float | None = None,
    ) -> Row:
        milliseconds = sorted(sample * 1000 for sample in samples)
        row = Row(
            case,
            len(milliseconds),
            statistics.median(milliseconds),
            percentile(milliseconds, 0.99),
            median_target_ms,
            p99_target_ms,
        )
        self.tables.setdefault(benchmark, []).append(row)
        print(f"{benchmark}: {case}: median {row.median_ms:.2f} ms, p99 {row.p99_ms:.2f} ms")
        return row

    def note(self, benchmark: str, text: str) -> None:
        self.notes.setdefault(benchmark, []).append(text)

    @property
    def failed(self) -> bool:
        return any(row.passed is False for rows in self.tables.values() for row in rows)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def _format_target(row: Row) -> str:
    parts = []
    if row.median_target_ms is not None:
        parts.append(f"median ≤ {row.median_target_ms:g} ms")
    if row.p99_target_ms is not None:
        parts.append(f"p99 ≤ {row.p99_target_ms:g} ms")
    return ", ".join(parts) or "—"


def render(report: Report, started: datetime.datetime, duration: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m tests.bench.run`); do not edit by hand.",
        "",
        f"- Command: `{' '.join(['python', '-m', 'tests.bench.run', *sys.argv[1:]])}`",
        f"- Date: {started:%Y-%m-%d %H:%M %Z} (took {duration:.0f} s)",
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; RAM: {_memory_gib()}",
        f"- Python {platform.python_version()}, PostgreSQL {_postgres_version()}",
        "",
    ]
    for benchmark, rows in report.tables.items():
        lines += [
            f"## {benchmark}",
            "",
            "| case | samples | median (ms) | p99 (ms) | target | result |",
            "|---|---:|---:|---:|---|---|",
        ]
        for row in rows:
            result = {True: "pass", False: "**fail**", None: "—"}[row.passed]
            lines.append(
                f"| {row.case} | {row.samples} | {row.median_ms:.2f} | {row.p99_ms:.2f} "
                f"| {_format_target(row)} | {result} |"
            )
        lines.append("")
        for note in report.notes.get(benchmark, []):
            lines += [note, ""]
    return "\n".join(lines)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("KB_DB_NAME", BENCH_DATABASE)
    import django

    django.setup()

    report = Report()
    started = datetime.datetime.now(datetime.UTC).astimezone()
    clock = time.monotonic()
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        module = importlib.import_module(f"tests.bench.{path.stem}")
        print(f"== {path.stem}")
        module.run(report)

    OUTPUT.write_text(render(report, started, time.monotonic() - clock), encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
