"""Regenerate the golden files of tests/calculators/golden/ by running the real libraries.

Needs torch and transformers, which the test suite itself never imports:

    pip install torch==2.13.0 transformers
    python -m tests.calculators.generate_golden    # from the repository root

Learning-rate schedules come from transformers' schedule functions and
torch.optim.lr_scheduler, stepped like a training loop; noam comes from
LambdaLR with the formula of "Attention Is All You Need". The positional
encodings are built in torch float64 by two independent constructions: one
with ``exp(-2i * ln(base) / d)`` frequencies, interleaved, and one laid out like
tensor2tensor's ``get_timing_signal_1d`` (sines then cosines).
Floats are written with ``repr`` precision, so they load back bit for bit.
"""

from __future__ import annotations

import json
import math
import platform
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers
import transformers.optimization as hf
from torch.optim import lr_scheduler

from kb.calculators.validation import validate_schedule

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = 500
"""Steps kept from a long run: evenly spaced, plus the warmup end and the peak."""


def schedule_cases() -> list[dict[str, Any]]:
    """Return the table of schedule cases: lr_schedule keyword arguments plus an ``id``."""
    cases = []

    def add(
        case_id: str,
        name: str,
        total: int = 100,
        warmup: int = 0,
        base_lr: float = 1e-3,
        **params: Any,
    ) -> None:
        cases.append(
            {
                "id": case_id,
                "name": name,
                "base_lr": base_lr,
                "total_steps": total,
                "warmup_steps": warmup,
                **params,
            }
        )

    add("constant", "constant")
    add("constant one step", "constant", total=1)
    for name in (
        "constant_with_warmup",
        "linear",
        "cosine",
        "cosine_with_restarts",
        "inverse_sqrt",
    ):
        add(f"{name} defaults", name, warmup=10)
        add(f"{name} no warmup", name)
        add(f"{name} warmup equal to run", name, warmup=100)
        add(f"{name} one step", name, total=1)
        add(f"{name} one step all warmup", name, total=1, warmup=1)
    add("cosine several cycles", "cosine", warmup=10, num_cycles=2.5)
    add("cosine min_lr_ratio", "cosine", warmup=10, min_lr_ratio=0.1)
    add("cosine min_lr_ratio rising", "cosine", num_cycles=1.5, min_lr_ratio=0.25)
    add("cosine odd length", "cosine", total=997, warmup=13, base_lr=3e-4)
    add("cosine_with_restarts three cycles", "cosine_with_restarts", warmup=10, num_cycles=3)
    add("cosine_with_restarts fractional", "cosine_with_restarts", total=97, num_cycles=2.5)
    add("cosine_with_restarts seven cycles", "cosine_with_restarts", total=700, num_cycles=7)
    add("polynomial defaults", "polynomial", warmup=10)
    add("polynomial no warmup", "polynomial")
    add("polynomial power 2", "polynomial", warmup=10, power=2.0)
    add("polynomial lr_end", "polynomial", warmup=10, lr_end=1e-4)
    add("polynomial power 0.5 lr_end", "polynomial", power=0.5, lr_end=1e-5)
    add("polynomial one step", "polynomial", total=1)
    add("polynomial warmup one short of run", "polynomial", warmup=99)
    add("inverse_sqrt timescale", "inverse_sqrt", warmup=10, timescale=50)
    add("inverse_sqrt timescale below warmup", "inverse_sqrt", warmup=20, timescale=5)
    add("warmup_stable_decay defaults", "warmup_stable_decay", warmup=10)
    for decay in ("linear", "cosine", "1-sqrt"):
        for warmup_type in ("linear", "cosine", "1-sqrt"):
            add(
                f"warmup_stable_decay {warmup_type} warmup {decay} decay",
                "warmup_stable_decay",
                warmup=10,
                num_stable_steps=50,
                num_decay_steps=40,
                decay_type=decay,
                warmup_type=warmup_type,
            )
    add(
        "warmup_stable_decay min_lr_ratio",
        "warmup_stable_decay",
        warmup=10,
        num_stable_steps=40,
        num_decay_steps=40,
        min_lr_ratio=0.1,
    )
    add(
        "warmup_stable_decay cosine cycles",
        "warmup_stable_decay",
        warmup=10,
        num_stable_steps=20,
        num_decay_steps=70,
        num_cycles=1.5,
        min_lr_ratio=0.05,
    )
    add(
        "warmup_stable_decay longer than run",
        "warmup_stable_decay",
        warmup=10,
        num_stable_steps=60,
        num_decay_steps=60,
    )
    add(
        "warmup_stable_decay shorter than run",
        "warmup_stable_decay",
        warmup=10,
        num_stable_steps=20,
        num_decay_steps=20,
        min_lr_ratio=0.2,
    )
    add("warmup_stable_decay only decay given", "warmup_stable_decay", warmup=5, num_decay_steps=30)
    add("step defaults", "step")
    add("step size 10 gamma 0.5", "step", step_size=10, gamma=0.5)
    add("step one step", "step", total=1, step_size=1)
    add("exponential defaults", "exponential")
    add("exponential gamma 0.95", "exponential", gamma=0.95)
    add("exponential one step", "exponential", total=1, gamma=0.5)
    add("one_cycle defaults", "one_cycle")
    add("one_cycle linear", "one_cycle", anneal_strategy="linear")
    add("one_cycle factors", "one_cycle", pct_start=0.25, div_factor=10.0, final_div_factor=100.0)
    add("one_cycle integer phase end", "one_cycle", total=9)
    add("one_cycle pct_start 0", "one_cycle", pct_start=0.0)
    add("one_cycle pct_start 1", "one_cycle", pct_start=1.0, anneal_strategy="linear")
    add("one_cycle pct_start 1 cos", "one_cycle", pct_start=1.0)
    add("one_cycle one step", "one_cycle", total=1)
    add("noam", "noam", total=200, warmup=40, base_lr=2.0, d_model=64)
    add("noam defaults", "noam", warmup=10, base_lr=1.0)
    add("noam warmup one", "noam", total=50, warmup=1, base_lr=1.0)
    add("noam warmup equal to run", "noam", warmup=100, base_lr=1.0)
    add("cosine long run", "cosine", total=100_000, warmup=2_000, base_lr=6e-4)
    add(
        "cosine_with_restarts long run",
        "cosine_with_restarts",
        total=100_000,
        warmup=1_000,
        num_cycles=5,
    )
    add("one_cycle long run", "one_cycle", total=100_000)
    add(
        "warmup_stable_decay long run",
        "warmup_stable_decay",
        total=100_000,
        warmup=3_000,
        num_decay_steps=20_000,
        decay_type="1-sqrt",
    )
    return cases


REJECTED_CASES = [
    {
        "id": "polynomial warmup equal to run",
        "name": "polynomial",
        "base_lr": 1e-3,
        "total_steps": 100,
        "warmup_steps": 100,
    },
    {
        "id": "polynomial lr_end above base_lr",
        "name": "polynomial",
        "base_lr": 1e-3,
        "total_steps": 100,
        "warmup_steps": 0,
        "lr_end": 1e-2,
    },
    {
        "id": "polynomial lr_end equal to base_lr",
        "name": "polynomial",
        "base_lr": 1e-3,
        "total_steps": 100,
        "warmup_steps": 0,
        "lr_end": 1e-3,
    },
    {
        "id": "one_cycle phase end at step 0",
        "name": "one_cycle",
        "base_lr": 1e-3,
        "total_steps": 9,
        "warmup_steps": 0,
        "pct_start": 0.1,
    },
]
"""Inputs the libraries raise on; the engine must reject them as invalid parameters."""


def _optimizer(lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def _noam_lambda(step: int, *, d_model: int, warmup: int) -> float:
    step = max(step, 1)
    return d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def build_scheduler(case: dict[str, Any]) -> tuple[Any, str]:
    """Return the library scheduler for a case and a readable description of the call.

    Library defaults are left to the library: only parameters given in the case
    are passed, plus those the library requires and the engine computes.
    """
    name, total, warmup = case["name"], case["total_steps"], case["warmup_steps"]
    given = {
        key: value
        for key, value in case.items()
        if key not in ("id", "name", "base_lr", "total_steps", "warmup_steps")
    }
    optimizer = _optimizer(case["base_lr"])
    if name in ("warmup_stable_decay", "step", "exponential", "noam"):
        # Defaults that depend on other parameters are the engine's own choice.
        effective = validate_schedule(
            {
                "schedule": name,
                "base_lr": case["base_lr"],
                "total_steps": total,
                "warmup_steps": warmup,
                **given,
            }
        )

    if name == "constant":
        call, kwargs = hf.get_constant_schedule, {}
    elif name == "constant_with_warmup":
        call, kwargs = hf.get_constant_schedule_with_warmup, {"num_warmup_steps": warmup}
    elif name in ("linear", "cosine", "cosine_with_restarts", "polynomial"):
        call = {
            "linear": hf.get_linear_schedule_with_warmup,
            "cosine": hf.get_cosine_schedule_with_warmup,
            "cosine_with_restarts": hf.get_cosine_with_hard_restarts_schedule_with_warmup,
            "polynomial": hf.get_polynomial_decay_schedule_with_warmup,
        }[name]
        kwargs = {"num_warmup_steps": warmup, "num_training_steps": total}
        if name == "cosine" and given.get("min_lr_ratio"):
            call = hf.get_cosine_with_min_lr_schedule_with_warmup
            kwargs["min_lr_rate"] = given.pop("min_lr_ratio")
        given.pop("min_lr_ratio", None)
        kwargs.update(given)
    elif name == "inverse_sqrt":
        call, kwargs = hf.get_inverse_sqrt_schedule, {"num_warmup_steps": warmup, **given}
    elif name == "warmup_stable_decay":
        call = hf.get_wsd_schedule
        kwargs = {
            "num_warmup_steps": warmup,
            **given,
            "num_stable_steps": effective["num_stable_steps"],
            "num_decay_steps": effective["num_decay_steps"],
        }
    elif name == "step":
        call = lr_scheduler.StepLR
        kwargs = {"step_size": effective["step_size"], **given}
    elif name == "exponential":
        call, kwargs = lr_scheduler.ExponentialLR, {"gamma": effective["gamma"]}
    elif name == "one_cycle":
        call = lr_scheduler.OneCycleLR
        kwargs = {
            "max_lr": case["base_lr"],
            "total_steps": total + 1,
            "cycle_momentum": False,
            **given,
        }
    elif name == "noam":

        def lr_lambda(step: int) -> float:
            return _noam_lambda(step, d_model=effective["d_model"], warmup=warmup)

        scheduler = lr_scheduler.LambdaLR(optimizer, lr_lambda)
        description = (
            f"torch LambdaLR(lr={case['base_lr']!r}) with d_model ** -0.5 * "
            f"min(s ** -0.5, s * warmup ** -1.5), d_model={effective['d_model']}, "
            f"warmup={warmup}, step 0 as step 1"
        )
        return scheduler, description
    else:
        raise ValueError(f"no library call for schedule {name!r}")

    arguments = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
    module = "torch.optim.lr_scheduler" if call.__module__.startswith("torch") else "transformers"
    description = (
        f"{module}.{call.__name__}("
        + ", ".join([f"optimizer(lr={case['base_lr']!r})"] + ([arguments] if arguments else []))
        + ")"
    )
    return call(optimizer, **kwargs), description


def run_schedule(case: dict[str, Any]) -> tuple[list[float], str]:
    """Step the library scheduler ``total_steps`` times and return the rate after each step."""
    scheduler, description = build_scheduler(case)
    rates = [float(scheduler.get_last_lr()[0])]
    for _ in range(case["total_steps"]):
        scheduler.optimizer.step()
        scheduler.step()
        rates.append(float(scheduler.get_last_lr()[0]))
    return rates, description


def sample_steps(rates: list[float], warmup: int) -> list[int]:
    """Return about SAMPLES step numbers: evenly spaced, plus the warmup end and the peak."""
    last = len(rates) - 1
    even = np.linspace(0, last, SAMPLES).round().astype(int).tolist()
    extra = [warmup, min(warmup + 1, last), int(np.argmax(rates)), last]
    return sorted(set(even + extra))


def library_error(case: dict[str, Any]) -> str:
    """Return the exception type the library raises for a case it cannot compute."""
    try:
        run_schedule(case)
    except (ValueError, ZeroDivisionError) as error:
        return type(error).__name__
    raise AssertionError(f"library accepted rejected case {case['id']!r}")


def schedule_golden() -> dict[str, Any]:
    cases = []
    for case in schedule_cases():
        rates, description = run_schedule(case)
        entry = {
            "id": case["id"],
            "library_call": description,
            "kwargs": {key: value for key, value in case.items() if key != "id"},
        }
        if case["total_steps"] > 1000:
            steps = sample_steps(rates, case["warmup_steps"])
            entry["steps"] = steps
            entry["lr"] = [rates[step] for step in steps]
        else:
            entry["lr"] = rates
        cases.append(entry)

    rejected = [
        {
            "id": case["id"],
            "library_error": library_error(case),
            "kwargs": {key: value for key, value in case.items() if key != "id"},
        }
        for case in REJECTED_CASES
    ]
    return {
        "header": _header(
            "Learning rate after s scheduler steps, s = 0 .. total_steps "
            "(or at the listed steps). kwargs are lr_schedule arguments."
        ),
        "cases": cases,
        "rejected": rejected,
    }


def exp_frequency_encoding(positions: int, d_model: int, base: float, offset: int) -> torch.Tensor:
    """Build the interleaved encoding with frequencies exp(-2i * ln(base) / d_model)."""
    position = torch.arange(offset, offset + positions, dtype=torch.float64).unsqueeze(1)
    frequencies = torch.exp(
        torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(base) / d_model)
    )
    encoding = torch.zeros(positions, d_model, dtype=torch.float64)
    encoding[:, 0::2] = torch.sin(position * frequencies)
    encoding[:, 1::2] = torch.cos(position * frequencies)
    return encoding


def timing_signal(
    positions: int, d_model: int, base: float, offset: int, increment_divisor: float
) -> torch.Tensor:
    """Build tensor2tensor's get_timing_signal_1d layout: all sines, then all cosines.

    tensor2tensor divides ln(base) by ``d_model / 2 - 1``; passing ``d_model / 2``
    gives the frequencies of the "Attention Is All You Need" formula instead.
    """
    position = torch.arange(offset, offset + positions, dtype=torch.float64)
    increment = math.log(base) / increment_divisor
    inverse_timescales = torch.exp(torch.arange(d_model // 2, dtype=torch.float64) * -increment)
    scaled_time = position.unsqueeze(1) * inverse_timescales.unsqueeze(0)
    return torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)


def encoding_golden() -> dict[str, Any]:
    cases = []
    for positions, d_model, base, offset in (
        (8, 4, 10000.0, 0),
        (32, 16, 10000.0, 5),
        (64, 32, 500.0, 0),
        (2048, 512, 10000.0, 0),
    ):
        rows = list(range(positions)) if positions <= 64 else [0, 1, 2, 511, 1000, 2047]
        interleaved = exp_frequency_encoding(positions, d_model, base, offset)[rows]
        concatenated = timing_signal(positions, d_model, base, offset, d_model / 2)[rows]
        entry = {
            "kwargs": {"positions": positions, "d_model": d_model, "base": base, "offset": offset},
            "rows": rows,
            "interleaved": interleaved.tolist(),
            "concatenated": concatenated.tolist(),
        }
        if d_model == 16:
            original = timing_signal(positions, d_model, base, offset, max(d_model / 2 - 1, 1))
            entry["tensor2tensor_original"] = original[rows].tolist()
        cases.append(entry)
    return {
        "header": _header(
            "Rows of the positional-encoding matrix. interleaved: "
            "exp-frequency construction; concatenated: tensor2tensor's "
            "timing signal with ln(base) / (d_model / 2) as increment; "
            "tensor2tensor_original: its own ln(base) / (d_model / 2 - 1)."
        ),
        "cases": cases,
    }


def _header(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "generated_by": "tests/calculators/generate_golden.py",
        "libraries": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }


def write_golden(path: Path, data: dict[str, Any]) -> None:
    """Write JSON with one case per line, so diffs show which cases changed."""
    lines = ["{", f'"header": {json.dumps(data["header"])},']
    lists = [key for key in data if key != "header"]
    for index, key in enumerate(lists):
        items = ",\n".join(json.dumps(item, separators=(",", ":")) for item in data[key])
        closing = "]" if index == len(lists) - 1 else "],"
        lines += [f'"{key}": [', items, closing]
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def main() -> None:
    warnings.filterwarnings("ignore", category=UserWarning, module="torch")
    GOLDEN.mkdir(exist_ok=True)
    write_golden(GOLDEN / "schedules.json", schedule_golden())
    write_golden(GOLDEN / "positional_encoding.json", encoding_golden())


if __name__ == "__main__":
    main()
