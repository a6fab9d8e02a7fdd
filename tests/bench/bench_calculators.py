"""Calculator speed: the engine at its large sizes, and whole pages through Django's test client."""

import time

from django.core.management import call_command
from django.test import Client

from kb.calculators import lr_schedule, positional_encoding

ROUNDS = 30
PAGE_ROUNDS = 20
BENCHMARK = "Calculators"


def _timed(call, rounds: int) -> list[float]:
    call()  # warm-up: imports, caches and the first page faults
    samples = []
    for _round in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def _page_call(client: Client, url: str):
    def call() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} returned {response.status_code}")

    return call


def run(report) -> None:
    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")

    cases = [
        (
            "cosine schedule, 1,000,000 steps (engine)",
            lambda: lr_schedule("cosine", base_lr=3e-4, total_steps=1_000_000, warmup_steps=2000),
            ROUNDS,
            20,
        ),
        (
            "positional encoding 4096 × 1024 (engine)",
            lambda: positional_encoding(4096, 1024),
            ROUNDS,
            50,
        ),
        (
            "learning-rate page, default form (2 schedules, 10,000 steps)",
            _page_call(client, "/en/calculators/lr-schedule/"),
            PAGE_ROUNDS,
            100,
        ),
        (
            "learning-rate page, 4 schedules of 100,000 steps",
            _page_call(
                client,
                "/en/calculators/lr-schedule/?schedule=cosine&base_lr=0.001&total_steps=100000"
                "&warmup_steps=2000&compare=linear&compare=warmup_stable_decay&compare=one_cycle",
            ),
            PAGE_ROUNDS,
            None,
        ),
        (
            "positional-encoding page, default form (128 × 128)",
            _page_call(client, "/en/calculators/positional-encoding/"),
            PAGE_ROUNDS,
            100,
        ),
        (
            "positional-encoding page, 4096 × 2048 (page caps)",
            _page_call(client, "/en/calculators/positional-encoding/?positions=4096&d_model=2048"),
            5,
            None,
        ),
    ]
    for name, call, rounds, target in cases:
        report.add(BENCHMARK, name, _timed(call, rounds), median_target_ms=target)

    report.note(
        BENCHMARK,
        "Engine rows time one call of kb.calculators; page rows time a GET through "
        "django.test.Client in the benchmark process (URL resolution, validation, "
        "computation, SVG and PNG charts, template rendering, one query for the linked "
        "topics), after one warm-up request. Rows without a target are informational.",
    )
