"""Tests of kb.calculators.schedules and kb.calculators.downsample.

The golden values come from transformers and torch (see generate_golden.py);
these tests only load them, so neither library is needed here.
"""

import doctest
import importlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kb.calculators import (
    SCHEDULE_NAMES,
    ParameterErrors,
    downsample,
    downsample_indices,
    lr_schedule,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "schedules.json").read_text())
RTOL = 1e-9
ATOL = 1e-15
NO_WARMUP = ("constant", "step", "exponential", "one_cycle")


def assert_matches_library(actual: np.ndarray, expected: np.ndarray) -> None:
    mismatch = np.abs(actual - expected) > RTOL * np.abs(expected) + ATOL
    first = int(np.argmax(mismatch))
    assert not mismatch.any(), f"index {first}: {actual[first]!r} != {expected[first]!r}"


def run_kwargs(kwargs: dict) -> dict:
    return {key: value for key, value in kwargs.items() if key != "name"}


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=[c["id"] for c in GOLDEN["cases"]])
def test_schedule_matches_library_golden(case):
    kwargs = case["kwargs"]
    result = lr_schedule(kwargs["name"], **run_kwargs(kwargs))

    if "steps" in case:
        actual = result.lr[case["steps"]]
    else:
        actual = result.lr
        assert result.lr.shape == (kwargs["total_steps"] + 1,)
    assert_matches_library(actual, np.array(case["lr"]))


@pytest.mark.parametrize("case", GOLDEN["rejected"], ids=[c["id"] for c in GOLDEN["rejected"]])
def test_schedule_rejects_what_library_cannot_compute(case):
    kwargs = case["kwargs"]
    with pytest.raises(ParameterErrors):
        lr_schedule(kwargs["name"], **run_kwargs(kwargs))


def test_golden_covers_every_schedule():
    covered = {case["kwargs"]["name"] for case in GOLDEN["cases"]}

    assert covered == set(SCHEDULE_NAMES)


def test_golden_header_names_library_versions():
    libraries = GOLDEN["header"]["libraries"]

    assert libraries["torch"].startswith("2.")
    assert libraries["transformers"]


@pytest.mark.parametrize("name", SCHEDULE_NAMES)
def test_schedule_result_shapes_and_types(name):
    warmup = 0 if name in NO_WARMUP else 5
    result = lr_schedule(name, base_lr=0.01, total_steps=50, warmup_steps=warmup)

    assert result.steps.dtype == np.int64
    assert result.lr.dtype == np.float64
    assert result.steps.tolist() == list(range(51))
    assert result.lr.shape == (51,)
    assert np.isfinite(result.lr).all()
    assert result.params["schedule"] == name


@pytest.mark.parametrize("name", SCHEDULE_NAMES)
def test_schedule_of_million_steps_is_finite(name):
    warmup = 0 if name in NO_WARMUP else 10_000
    result = lr_schedule(name, base_lr=1e-3, total_steps=1_000_000, warmup_steps=warmup)

    assert result.lr.shape == (1_000_001,)
    assert np.isfinite(result.lr).all()
    assert (result.lr >= 0).all()


def transformers_cosine(steps, total, warmup, cycles, floor):
    """Evaluate transformers' cosine lambda directly with np.cos, step by step semantics."""
    progress = (steps - warmup) / max(1, total - warmup)
    wave = 0.5 * (1.0 + np.cos(np.pi * cycles * 2.0 * progress))
    decay = np.maximum(0.0, wave * (1 - floor) + floor)
    return np.where(steps < warmup, steps / max(1, warmup), decay)


def transformers_restarts(steps, total, warmup, cycles):
    progress = (steps - warmup) / max(1, total - warmup)
    wave = np.maximum(0.0, 0.5 * (1.0 + np.cos(np.pi * ((cycles * progress) % 1.0))))
    decay = np.where(progress >= 1.0, 0.0, wave)
    return np.where(steps < warmup, steps / max(1, warmup), decay)


@pytest.mark.parametrize("cycles", [0.5, 1.0, 3.0, 7.25, 250.0])
@pytest.mark.parametrize("floor", [0.0, 0.1])
def test_cosine_long_run_matches_direct_formula(cycles, floor):
    total, warmup = 1_234_567, 4_321
    steps = np.arange(total + 1, dtype=np.float64)

    result = lr_schedule(
        "cosine",
        base_lr=0.5,
        total_steps=total,
        warmup_steps=warmup,
        num_cycles=cycles,
        min_lr_ratio=floor,
    )

    assert_matches_library(
        result.lr, 0.5 * transformers_cosine(steps, total, warmup, cycles, floor)
    )


@pytest.mark.parametrize("cycles", [1.0, 2.0, 3.0, 2.5, 999.0])
def test_restarts_long_run_matches_direct_formula(cycles):
    total, warmup = 999_999, 1_000
    steps = np.arange(total + 1, dtype=np.float64)

    result = lr_schedule(
        "cosine_with_restarts",
        base_lr=1.0,
        total_steps=total,
        warmup_steps=warmup,
        num_cycles=cycles,
    )

    assert_matches_library(result.lr, transformers_restarts(steps, total, warmup, cycles))


@pytest.mark.parametrize("pct_start", [0.3, 0.25, 0.0, 1.0])
def test_one_cycle_long_run_matches_direct_formula(pct_start):
    total = 777_776
    steps = np.arange(total + 1, dtype=np.float64)
    max_lr, initial = 1e-3, 1e-3 / 25.0
    final = initial / 1e4
    rise_end = pct_start * (total + 1) - 1
    fall_span = total - rise_end
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = max_lr + (initial - max_lr) / 2.0 * (np.cos(np.pi * (steps / rise_end)) + 1)
        falling = final + (max_lr - final) / 2.0 * (
            np.cos(np.pi * ((steps - rise_end) / fall_span)) + 1
        )
    expected = np.where(steps <= rise_end, rising, falling)

    result = lr_schedule("one_cycle", base_lr=max_lr, total_steps=total, pct_start=pct_start)

    assert_matches_library(result.lr, expected)


def test_wsd_cosine_long_run_matches_formula():
    total, warmup, stable, decay, floor = 1_000_000, 50_000, 400_000, 500_000, 0.05
    steps = np.arange(total + 1, dtype=np.float64)
    rise = 0.5 * (1.0 - np.cos(np.pi * (steps / warmup))) * (1 - floor) + floor
    fall_progress = (steps - warmup - stable) / decay
    fall = 0.5 * (1.0 + np.cos(np.pi * 0.5 * 2.0 * fall_progress)) * (1 - floor) + floor
    expected = np.select(
        [steps < warmup, steps < warmup + stable, steps < warmup + stable + decay],
        [rise, 1.0, fall],
        floor,
    )

    result = lr_schedule(
        "warmup_stable_decay",
        base_lr=1.0,
        total_steps=total,
        warmup_steps=warmup,
        num_stable_steps=stable,
        num_decay_steps=decay,
        warmup_type="cosine",
        decay_type="cosine",
        min_lr_ratio=floor,
    )

    assert_matches_library(result.lr, expected)


def test_cosine_final_rate_is_exactly_zero():
    result = lr_schedule("cosine", base_lr=1e-3, total_steps=1_000_000, warmup_steps=1000)

    assert result.final_lr == 0.0


def test_effective_params_fill_library_defaults():
    cosine = lr_schedule("cosine", base_lr=1e-3, total_steps=10).params
    restarts = lr_schedule("cosine_with_restarts", base_lr=1e-3, total_steps=10).params
    polynomial = lr_schedule("polynomial", base_lr=1e-3, total_steps=10).params
    one_cycle = lr_schedule("one_cycle", base_lr=1e-3, total_steps=10).params

    assert cosine["num_cycles"] == 0.5
    assert cosine["min_lr_ratio"] == 0.0
    assert restarts["num_cycles"] == 1.0
    assert polynomial["power"] == 1.0
    assert polynomial["lr_end"] == 1e-7
    assert one_cycle["pct_start"] == 0.3
    assert one_cycle["div_factor"] == 25.0
    assert one_cycle["final_div_factor"] == 1e4
    assert one_cycle["anneal_strategy"] == "cos"


def test_inverse_sqrt_timescale_defaults():
    with_warmup = lr_schedule("inverse_sqrt", base_lr=1e-3, total_steps=10, warmup_steps=4)
    without = lr_schedule("inverse_sqrt", base_lr=1e-3, total_steps=10)

    assert with_warmup.params["timescale"] == 4
    assert without.params["timescale"] == 10_000


def test_computed_defaults_of_step_exponential_and_wsd():
    step = lr_schedule("step", base_lr=1.0, total_steps=100).params
    exponential = lr_schedule("exponential", base_lr=1.0, total_steps=100)
    wsd = lr_schedule("warmup_stable_decay", base_lr=1.0, total_steps=100, warmup_steps=10).params
    wsd_stable = lr_schedule(
        "warmup_stable_decay", base_lr=1.0, total_steps=100, warmup_steps=10, num_stable_steps=70
    ).params

    assert step["step_size"] == 33
    assert exponential.final_lr == pytest.approx(0.01, rel=1e-12)
    assert (wsd["num_stable_steps"], wsd["num_decay_steps"]) == (80, 10)
    assert (wsd_stable["num_stable_steps"], wsd_stable["num_decay_steps"]) == (70, 20)


def test_warmup_peaks_at_warmup_end():
    result = lr_schedule("linear", base_lr=2e-4, total_steps=1000, warmup_steps=100)

    assert result.peak_step == 100
    assert result.peak_lr == 2e-4
    assert result.lr[0] == 0.0
    assert result.final_lr == 0.0


def test_noam_step_zero_takes_step_one_value():
    result = lr_schedule("noam", base_lr=1.0, total_steps=100, warmup_steps=10, d_model=512)

    assert result.lr[0] == result.lr[1]
    assert result.peak_step == 10
    assert result.peak_lr == pytest.approx(512**-0.5 * 10**-0.5, rel=1e-15)


def test_noam_requires_warmup():
    with pytest.raises(ParameterErrors) as raised:
        lr_schedule("noam", base_lr=1.0, total_steps=100)

    assert raised.value.errors["warmup_steps"].code == "out_of_range"


@pytest.mark.parametrize("name", NO_WARMUP)
def test_schedule_without_warmup_rejects_warmup_steps(name):
    with pytest.raises(ParameterErrors) as raised:
        lr_schedule(name, base_lr=1e-3, total_steps=100, warmup_steps=10)

    assert raised.value.errors["warmup_steps"].code == "not_applicable"


def test_exponential_repeats_torch_rounding():
    result = lr_schedule("exponential", base_lr=0.1, total_steps=1000, gamma=0.999)
    repeated = [0.1]
    for _ in range(1000):
        repeated.append(repeated[-1] * 0.999)

    assert result.lr.tolist() == repeated


def test_step_repeats_torch_rounding():
    result = lr_schedule("step", base_lr=0.1, total_steps=100, step_size=7, gamma=0.3)
    expected = []
    rate = 0.1
    for step in range(101):
        if step and step % 7 == 0:
            rate *= 0.3
        expected.append(rate)

    assert result.lr.tolist() == expected


def test_unknown_schedule_parameter_is_rejected():
    with pytest.raises(ParameterErrors) as raised:
        lr_schedule("linear", base_lr=1e-3, total_steps=10, num_cycles=2)

    assert raised.value.errors["num_cycles"].code == "unknown_parameter"


def test_downsample_keeps_ends_and_peak():
    steps = np.arange(100_001)
    lr = lr_schedule("cosine", base_lr=1.0, total_steps=100_000, warmup_steps=3_333).lr

    kept_steps, kept_lr = downsample(steps, lr, 800)

    assert len(kept_steps) <= 800
    assert kept_steps[0] == 0
    assert kept_steps[-1] == 100_000
    assert 3_333 in kept_steps
    assert kept_lr.max() == lr.max()
    assert (np.diff(kept_steps) > 0).all()
    assert (kept_lr == lr[kept_steps]).all()


def test_downsample_keeps_every_restart_peak():
    result = lr_schedule("cosine_with_restarts", base_lr=1.0, total_steps=99_999, num_cycles=10)

    cycle_peaks = [result.lr[start : start + 10_000].max() for start in range(0, 100_000, 10_000)]

    _, kept_lr = downsample(result.steps, result.lr, 100)

    for peak in cycle_peaks:
        assert peak in kept_lr
    assert kept_lr.min() == 0.0


def test_downsample_returns_short_series_whole():
    steps, lr = downsample(np.arange(5), np.arange(5.0), 10)

    assert steps.tolist() == [0, 1, 2, 3, 4]
    assert lr.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("points", [3, 4, 5, 17, 800])
def test_downsample_respects_point_count(points):
    rng = np.random.default_rng(points)
    values = rng.random(10_000)

    kept = downsample_indices(values, points)

    assert len(kept) <= points
    assert kept[0] == 0
    assert kept[-1] == 9_999
    assert int(np.argmax(values)) in kept
    assert (np.diff(kept) > 0).all()


def test_downsample_rejects_too_few_points():
    with pytest.raises(ValueError):
        downsample_indices(np.arange(10.0), 2)


def test_engine_imports_neither_torch_nor_django():
    code = (
        "import sys, kb.calculators, kb.charts; "
        "print(sorted(m for m in ('torch', 'transformers', 'django') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]

    output = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout

    assert output.strip() == "[]"


@pytest.mark.parametrize("module", ["kb.calculators.schedules", "kb.calculators.downsample"])
def test_docstring_examples_pass(module):
    results = doctest.testmod(importlib.import_module(module))

    assert results.attempted > 0
    assert results.failed == 0


@pytest.mark.parametrize("total_steps", [70, 100, 137])
def test_warmup_stable_decay_any_warmup_length(total_steps):
    for warmup in range(total_steps + 1):
        result = lr_schedule(
            "warmup_stable_decay", base_lr=1.0, total_steps=total_steps, warmup_steps=warmup
        )

        assert result.lr.shape == (total_steps + 1,)
        assert np.isfinite(result.lr).all()
        assert result.lr.max() <= 1.0
