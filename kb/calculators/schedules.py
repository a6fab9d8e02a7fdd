"""Learning-rate schedules, vectorised over all optimizer steps.

The rate at optimizer step ``s`` is the rate a training loop uses after ``s``
calls of ``scheduler.step()``:

* the transformers schedules (``transformers/optimization.py``, checked
  against version 5.25) are ``LambdaLR`` objects, so the rate is
  ``base_lr * lr_lambda(s)``;
* the PyTorch schedules (``torch.optim.lr_scheduler``, checked against 2.13)
  give ``optimizer.param_groups[0]["lr"]`` after ``s`` steps;
* ``noam`` is ``base_lr * d_model ** -0.5 * min(s ** -0.5, s * warmup_steps ** -1.5)``,
  the rate of "Attention Is All You Need" (Vaswani et al., 2017) scaled by ``base_lr``.

Each schedule function below receives the number of steps and the effective
parameters from :func:`kb.calculators.validation.validate_schedule`. It fills
one float64 buffer in place, because on the 2-core development machine a
fresh 8 MB array costs 1 to 3 ms in page faults, more than most of the
arithmetic.

The formulas keep the libraries' order of floating-point operations. In the
golden tests, the schedules without a cosine equal the libraries' rates bit for
bit (noam to one unit in the last place). Cosines are computed differently for
speed (see :func:`_cos_progression`), and keep the relative error of every
rate below 1e-10.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .params import SCHEDULE_NAMES
from .validation import validate_schedule


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """Rates of one schedule at every step.

    Attributes:
        steps: int64 array ``0 .. total_steps``, shape ``(total_steps + 1,)``.
        lr: float64 learning rates, same shape as ``steps``.
        params: effective parameters (``schedule``, ``base_lr``, ``total_steps``,
            ``warmup_steps`` and the schedule's own), with defaults filled in.
    """

    steps: np.ndarray
    lr: np.ndarray
    params: dict[str, Any]

    @property
    def peak_step(self) -> int:
        """First step at which the rate is highest."""
        return int(np.argmax(self.lr))

    @property
    def peak_lr(self) -> float:
        return float(self.lr[self.peak_step])

    @property
    def final_lr(self) -> float:
        return float(self.lr[-1])


def lr_schedule(
    name: str, *, base_lr: float, total_steps: int, warmup_steps: int = 0, **params: Any
) -> ScheduleResult:
    """Compute the learning rate at every optimizer step ``0 .. total_steps``.

    Args:
        name: one of ``SCHEDULE_NAMES``; see ``SCHEDULES`` in
            :mod:`kb.calculators.params` for the library function each follows.
        base_lr: the rate set in the optimizer (the scale factor for ``noam``).
        total_steps: number of training steps (``num_training_steps`` in
            transformers), 1 or more.
        warmup_steps: linear warmup length in steps, 0 to ``total_steps``. It
            must be 0 for ``constant``, ``step``, ``exponential`` and
            ``one_cycle``, whose library schedulers have no warmup, and at least
            1 for ``noam``.
        **params: the schedule's own parameters (``num_cycles``,
            ``min_lr_ratio``, ``power``, ``lr_end``, ``timescale``, ...).

    Returns:
        A :class:`ScheduleResult` with ``total_steps + 1`` float64 rates.

    Raises:
        ParameterErrors: when a parameter is missing, unknown or out of range.

    Example:
        >>> lr_schedule("linear", base_lr=1.0, total_steps=4, warmup_steps=2).lr.tolist()
        [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    effective = validate_schedule(
        {
            "schedule": name,
            "base_lr": base_lr,
            "total_steps": total_steps,
            "warmup_steps": warmup_steps,
            **params,
        }
    )
    count = effective["total_steps"] + 1
    lr = _SCHEDULE_FUNCTIONS[effective["schedule"]](count, effective)
    steps = np.arange(count, dtype=np.int64)
    return ScheduleResult(steps=steps, lr=lr, params=effective)


# Bound on |_cos_progression - cos(angle)|, divided by (1 + largest angle): at most
# 3.1e-16 measured over 300 random cosine schedules of up to 2,000,000 steps.
_PROGRESSION_ERROR = 1e-15
# Entries whose 1 - |cos| is below this many times that bound are recomputed directly,
# so 1 + cos and 1 - cos keep a relative error under 1e-10 everywhere.
_EXACT_MARGIN = 1e10


def _progression_grid(count: int) -> tuple[int, int]:
    """Return ``(rows, columns)`` of the grid used by :func:`_cos_progression`."""
    columns = math.isqrt(max(count - 1, 0)) + 1
    return -(-count // columns), columns


def _cos_progression(
    first_angle: float, angle_step: float, out: np.ndarray, count: int
) -> np.ndarray:
    """Write ``cos(first_angle + k * angle_step)`` for ``k < count`` into ``out``; return it.

    ``np.cos`` costs about 13 ns per value on the 2-core development machine,
    too slow for 1,000,000 steps. Each ``k`` is split as ``row * columns + column``
    and ``cos(a + b) = cos a cos b - sin a sin b`` becomes one matrix product of
    shape ``(rows, 2) @ (2, columns)``, so only about ``4 * sqrt(count)`` sines
    and cosines are evaluated. The absolute error is below
    ``_PROGRESSION_ERROR * (1 + largest angle)``. The product uses ``np.einsum``
    rather than ``np.matmul``, whose BLAS threads made the slowest runs several
    times slower while other processes kept both cores busy.

    ``out`` must hold ``rows * columns`` values (see :func:`_progression_grid`),
    a few more than ``count``; the first ``count`` entries are returned.
    """
    rows, columns = _progression_grid(count)
    row_angles = first_angle + angle_step * (columns * np.arange(rows, dtype=np.float64))
    column_angles = angle_step * np.arange(columns, dtype=np.float64)
    left = np.stack([np.cos(row_angles), -np.sin(row_angles)], axis=1)
    right = np.stack([np.cos(column_angles), np.sin(column_angles)])
    np.einsum("ik,kj->ij", left, right, out=out[: rows * columns].reshape(rows, columns))
    return out[:count]


def _restore_near_extrema(
    cosines: np.ndarray, exact_angles: Callable[[np.ndarray], np.ndarray], max_angle: float
) -> None:
    """Recompute, with the library's own angles, the cosines close to +1 or -1.

    Near the extrema the schedules use ``1 + cos`` or ``1 - cos``, which turns
    the small absolute error of :func:`_cos_progression` into a large relative
    one (the library's final rate of exactly 0 would become about 1e-16).
    ``exact_angles(indices)`` returns the angles the library passes to cos.
    """
    threshold = _EXACT_MARGIN * _PROGRESSION_ERROR * (1.0 + abs(max_angle))
    near = np.flatnonzero((cosines > 1.0 - threshold) | (cosines < threshold - 1.0))
    cosines[near] = np.cos(exact_angles(near))


def _cos_of_ratios(scale: float, denominator: float, out: np.ndarray, count: int) -> np.ndarray:
    """Write ``cos(scale * (k / denominator))`` for ``k < count`` into ``out``; return it.

    This is the argument order of the transformers formulas, which the entries
    near the extrema reproduce exactly. ``out`` needs the room described in
    :func:`_cos_progression`.
    """
    cosines = _cos_progression(0.0, scale / denominator, out, count)
    _restore_near_extrema(
        cosines, lambda k: scale * (k / denominator), max_angle=scale * count / denominator
    )
    return cosines


def _spare(count: int) -> int:
    """Return how many values past ``count`` a :func:`_cos_progression` buffer needs."""
    rows, columns = _progression_grid(count)
    return rows * columns - count


def _ramp(count: int, warmup: int, spare: int = 0) -> np.ndarray:
    """Return a buffer of the steps ``0 .. count - 1`` whose first ``warmup`` entries are divided.

    The first ``warmup`` entries hold transformers' warmup multiplier
    ``s / max(1, warmup)``; the rest still hold ``s`` for the caller to
    transform in place. ``spare`` adds room at the end for :func:`_cos_progression`.
    """
    buffer = np.arange(count + spare, dtype=np.float64)
    buffer[:warmup] /= max(1, warmup)
    return buffer


def _constant(count: int, p: dict[str, Any]) -> np.ndarray:
    return np.full(count, p["base_lr"])


def _constant_with_warmup(count: int, p: dict[str, Any]) -> np.ndarray:
    factor = _ramp(count, p["warmup_steps"])
    factor[p["warmup_steps"] :] = 1.0
    factor *= p["base_lr"]
    return factor


def _linear(count: int, p: dict[str, Any]) -> np.ndarray:
    total, warmup = p["total_steps"], p["warmup_steps"]
    factor = _ramp(count, warmup)
    decay = factor[warmup:]
    np.subtract(total, decay, out=decay)
    decay /= max(1, total - warmup)
    np.maximum(decay, 0.0, out=decay)
    factor *= p["base_lr"]
    return factor


def _cosine(count: int, p: dict[str, Any]) -> np.ndarray:
    total, warmup, floor = p["total_steps"], p["warmup_steps"], p["min_lr_ratio"]
    decay_count = count - warmup
    factor = _ramp(count, warmup, _spare(decay_count))

    angle_scale = np.pi * p["num_cycles"] * 2.0
    wave = _cos_of_ratios(angle_scale, max(1, total - warmup), factor[warmup:], decay_count)
    wave += 1.0
    wave *= 0.5
    wave *= 1 - floor
    wave += floor
    np.maximum(wave, 0.0, out=wave)

    factor = factor[:count]
    factor *= p["base_lr"]
    return factor


def _cosine_with_restarts(count: int, p: dict[str, Any]) -> np.ndarray:
    total, warmup, cycles = p["total_steps"], p["warmup_steps"], p["num_cycles"]
    denominator = max(1, total - warmup)
    decay_count = count - warmup
    factor = _ramp(count, warmup, _spare(decay_count))

    # transformers takes cos(pi * (position % 1)) with position = cycles * progress.
    # That equals (-1) ** floor(position) * cos(pi * position), whose angles form a
    # progression. Where floor() rounds differently from the library, the cosine is
    # close to +1 or -1 and _restore_near_extrema replaces it with the library's value.
    wave = _cos_progression(0.0, np.pi * cycles / denominator, factor[warmup:], decay_count)
    for cycle in range(1, math.ceil(cycles * decay_count / denominator) + 1, 2):
        wave[
            math.ceil(cycle * denominator / cycles) : math.ceil((cycle + 1) * denominator / cycles)
        ] *= -1.0

    def library_angles(k: np.ndarray) -> np.ndarray:
        position = cycles * (k / denominator)
        return np.pi * (position - np.floor(position))

    _restore_near_extrema(
        wave, library_angles, max_angle=np.pi * cycles * decay_count / denominator
    )
    wave += 1.0
    wave *= 0.5
    np.maximum(wave, 0.0, out=wave)
    # transformers returns exactly 0 once progress reaches 1 (the last step), not a restart.
    wave[denominator:] = 0.0

    factor = factor[:count]
    factor *= p["base_lr"]
    return factor


def _polynomial(count: int, p: dict[str, Any]) -> np.ndarray:
    base_lr, lr_end, warmup = p["base_lr"], p["lr_end"], p["warmup_steps"]
    factor = _ramp(count, warmup)

    remaining = factor[warmup:]
    remaining -= warmup
    remaining /= p["total_steps"] - warmup
    np.subtract(1, remaining, out=remaining)
    # transformers returns the rate divided by base_lr, and LambdaLR multiplies it back.
    np.power(remaining, p["power"], out=remaining)
    remaining *= base_lr - lr_end
    remaining += lr_end
    remaining /= base_lr

    factor *= base_lr
    return factor


def _inverse_sqrt(count: int, p: dict[str, Any]) -> np.ndarray:
    timescale, warmup = p["timescale"], p["warmup_steps"]
    factor = _ramp(count, warmup)

    decay = factor[warmup:]
    decay += timescale - warmup
    decay /= timescale
    np.sqrt(decay, out=decay)
    np.divide(1.0, decay, out=decay)

    factor *= p["base_lr"]
    return factor


def _wsd_phase(
    kind: str, buffer: np.ndarray, count: int, length: int, scale: float, rising: bool
) -> np.ndarray:
    """Turn ``buffer[:count]``, holding ``0, 1, ...``, into a WSD shape factor in place.

    ``length`` is the phase length in transformers' formula (the warmup or decay
    steps), which may exceed ``count`` when the run ends inside the phase. A
    cosine phase writes up to ``_spare(count)`` values past ``count``.
    """
    if kind == "cosine":
        phase = _cos_of_ratios(scale, max(1, length), buffer, count)
        if rising:
            np.subtract(1.0, phase, out=phase)
        else:
            phase += 1.0
        phase *= 0.5
        return phase

    phase = buffer[:count]
    phase /= max(1, length)
    if kind == "linear":
        if not rising:
            np.subtract(1.0, phase, out=phase)
    elif rising:
        np.subtract(1.0, phase, out=phase)
        np.sqrt(phase, out=phase)
        np.subtract(1.0, phase, out=phase)
    else:
        np.sqrt(phase, out=phase)
        np.subtract(1.0, phase, out=phase)
    return phase


def _warmup_stable_decay(count: int, p: dict[str, Any]) -> np.ndarray:
    warmup, floor, decay_steps = p["warmup_steps"], p["min_lr_ratio"], p["num_decay_steps"]
    decay_start = min(count, warmup + p["num_stable_steps"])
    decay_end = min(count, decay_start + decay_steps)
    phases = (
        (0, warmup, warmup, p["warmup_type"], np.pi, True),
        (
            decay_start,
            decay_end - decay_start,
            decay_steps,
            p["decay_type"],
            np.pi * p["num_cycles"] * 2.0,
            False,
        ),
    )

    # Each phase is a contiguous slice of the steps 0 .. total_steps. A cosine phase
    # spills past its end into the next phase, which is filled afterwards. _spare is
    # not monotonic, so each phase's end needs its own room.
    decay_count = decay_end - decay_start
    size = max(count, warmup + _spare(warmup), decay_end + _spare(decay_count))
    factor = np.empty(size)
    for start, phase_count, length, kind, scale, rising in phases:
        factor[start : start + phase_count] = np.arange(phase_count, dtype=np.float64)
        phase = _wsd_phase(kind, factor[start:], phase_count, length, scale, rising)
        phase *= 1.0 - floor
        phase += floor
        np.maximum(phase, 0.0, out=phase)
        if rising:
            factor[warmup:decay_start] = 1.0
    factor[decay_end:] = floor

    factor = factor[:count]
    factor *= p["base_lr"]
    return factor


def _step(count: int, p: dict[str, Any]) -> np.ndarray:
    # StepLR multiplies the current rate by gamma once every step_size steps; a
    # cumulative product repeats that rounding, where base_lr * gamma ** k would not.
    step_size = p["step_size"]
    level_count = (count - 1) // step_size + 1
    levels = np.full(level_count, p["gamma"])
    levels[0] = p["base_lr"]
    np.multiply.accumulate(levels, out=levels)
    repeats = np.full(level_count, step_size)
    repeats[-1] = count - (level_count - 1) * step_size
    return np.repeat(levels, repeats)


def _exponential(count: int, p: dict[str, Any]) -> np.ndarray:
    lr = np.full(count, p["gamma"])
    lr[0] = p["base_lr"]
    np.multiply.accumulate(lr, out=lr)
    return lr


def _one_cycle(count: int, p: dict[str, Any]) -> np.ndarray:
    # OneCycleLR(total_steps=N) defines N rates, for steps 0 .. N - 1. Its first
    # phase covers the steps up to pct_start * N - 1, which may be fractional or negative.
    cycle_steps = count
    max_lr = p["base_lr"]
    initial_lr = max_lr / p["div_factor"]
    min_lr = initial_lr / p["final_div_factor"]
    rise_end = float(p["pct_start"] * cycle_steps) - 1
    fall_span = (cycle_steps - 1) - rise_end
    rise_count = min(count, max(0, math.floor(rise_end) + 1))
    fall_count = count - rise_count

    lr = np.arange(count + max(_spare(rise_count), _spare(fall_count)), dtype=np.float64)
    rising, falling = lr[:rise_count], lr[rise_count:count]
    if p["anneal_strategy"] == "linear":
        rising /= rise_end
        rising *= max_lr - initial_lr
        rising += initial_lr
        falling -= rise_end
        falling /= fall_span
        falling *= min_lr - max_lr
        falling += max_lr
        return lr[:count]

    if rise_count:
        _cos_progression(0.0, np.pi / rise_end, lr, rise_count)
        _restore_near_extrema(rising, lambda k: np.pi * (k / rise_end), max_angle=np.pi)
        rising += 1
        rising *= (initial_lr - max_lr) / 2.0
        rising += max_lr
    if fall_count:
        _cos_progression(
            np.pi * ((rise_count - rise_end) / fall_span),
            np.pi / fall_span,
            lr[rise_count:],
            fall_count,
        )
        _restore_near_extrema(
            falling, lambda k: np.pi * ((rise_count + k - rise_end) / fall_span), max_angle=np.pi
        )
        falling += 1
        falling *= (max_lr - min_lr) / 2.0
        falling += min_lr
    return lr[:count]


def _noam(count: int, p: dict[str, Any]) -> np.ndarray:
    warmup = p["warmup_steps"]
    lr = np.arange(count, dtype=np.float64)
    # The formula is undefined at step 0 (0 ** -0.5), so step 0 takes the rate of step 1.
    lr[0] = 1.0
    # min(s ** -0.5, s * warmup ** -1.5) switches from the second to the first at s = warmup.
    lr[:warmup] *= warmup**-1.5
    np.power(lr[warmup:], -0.5, out=lr[warmup:])
    lr *= p["d_model"] ** -0.5
    lr *= p["base_lr"]
    return lr


_SCHEDULE_FUNCTIONS: dict[str, Callable[[int, dict[str, Any]], np.ndarray]] = {
    "constant": _constant,
    "constant_with_warmup": _constant_with_warmup,
    "linear": _linear,
    "cosine": _cosine,
    "cosine_with_restarts": _cosine_with_restarts,
    "polynomial": _polynomial,
    "inverse_sqrt": _inverse_sqrt,
    "warmup_stable_decay": _warmup_stable_decay,
    "step": _step,
    "exponential": _exponential,
    "one_cycle": _one_cycle,
    "noam": _noam,
}
assert set(_SCHEDULE_FUNCTIONS) == set(SCHEDULE_NAMES)
