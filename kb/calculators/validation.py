"""Validation of calculator requests against the specs of :mod:`kb.calculators.params`.

The functions take typed values (from Python callers) or raw query-string
values (from the API and the pages), fill in every default, check the limits
that involve several parameters, and raise :class:`ParameterErrors` with one
entry per invalid parameter.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .params import (
    COMMON_SCHEDULE_PARAMS,
    INVALID_COMBINATION,
    MAX_JSON_VALUES,
    MAX_NPY_VALUES,
    NOT_APPLICABLE,
    OUT_OF_RANGE,
    POINTS,
    POSITIONAL_ENCODING_PARAMS,
    REQUIRED,
    SCHEDULES,
    TOO_LARGE,
    UNKNOWN_PARAMETER,
    ParameterError,
    ParameterErrors,
    ParameterSpec,
    ScheduleSpec,
    short_repr,
)


@dataclass(frozen=True)
class ScheduleQuery:
    """A validated schedule request: keyword arguments for ``lr_schedule`` and the point cap."""

    kwargs: dict[str, Any]
    points: int | None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce_fields(
    specs: Collection[ParameterSpec],
    values: Mapping[str, object],
    errors: dict[str, ParameterError],
) -> dict[str, Any]:
    """Coerce each specified value; a blank or absent one takes the default (None if computed)."""
    typed: dict[str, Any] = {}
    for spec in specs:
        raw = values.get(spec.name)
        if _is_blank(raw):
            if spec.required:
                errors[spec.name] = ParameterError(
                    spec.name,
                    REQUIRED,
                    f"{spec.name} is missing. It must be {spec.describe_allowed()}.",
                    **spec.limits(),
                )
            typed[spec.name] = spec.default
            continue
        try:
            typed[spec.name] = spec.coerce(raw)
        except ParameterError as error:
            errors[spec.name] = error
    return typed


def _reject_unknown(
    values: Mapping[str, object],
    allowed: Collection[str],
    context: str,
    errors: dict[str, ParameterError],
) -> None:
    names = sorted(allowed)
    for key in values:
        if key not in allowed:
            errors[key] = ParameterError(
                key,
                UNKNOWN_PARAMETER,
                f"{short_repr(key)} is not a parameter of {context}. "
                f"Allowed parameters: {', '.join(names)}.",
                allowed=names,
            )


def _common_spec(name: str) -> ParameterSpec:
    return next(spec for spec in COMMON_SCHEDULE_PARAMS if spec.name == name)


def _validate_schedule(
    values: Mapping[str, object],
    errors: dict[str, ParameterError],
    also_allowed: Collection[str] = (),
) -> dict[str, Any]:
    """Validate schedule values into ``errors``; ``also_allowed`` names the caller's own keys."""
    common = _coerce_fields(COMMON_SCHEDULE_PARAMS, values, errors)
    spec = SCHEDULES.get(common.get("schedule"))
    if spec is None:
        return common

    allowed = {p.name for p in COMMON_SCHEDULE_PARAMS} | {p.name for p in spec.params}
    allowed |= set(also_allowed)
    _reject_unknown(values, allowed, f"the {spec.name} schedule", errors)
    effective = {**common, **_coerce_fields(spec.params, values, errors)}
    _check_warmup(spec, effective, errors)
    _fill_schedule_defaults(spec, effective, errors)
    return effective


def _check_warmup(spec: ScheduleSpec, p: dict[str, Any], errors: dict[str, ParameterError]) -> None:
    if "total_steps" in errors or "warmup_steps" in errors:
        return
    total, warmup = p["total_steps"], p["warmup_steps"]
    warmup_spec = _common_spec("warmup_steps")

    try:
        if spec.warmup == "unused":
            if warmup != 0:
                raise ParameterError(
                    "warmup_steps",
                    NOT_APPLICABLE,
                    f"warmup_steps is not used by the {spec.name} schedule, so it must be 0.",
                    minimum=0,
                    maximum=0,
                )
        elif spec.warmup == "required":
            replace(warmup_spec, minimum=1).check_range(warmup, maximum=total)
        elif spec.name == "polynomial":
            # transformers divides by total_steps - warmup_steps, which must not be zero.
            warmup_spec.check_range(warmup, maximum=total, exclusive_maximum=True)
        else:
            warmup_spec.check_range(warmup, maximum=total)
    except ParameterError as error:
        errors["warmup_steps"] = error


def _fill_schedule_defaults(
    spec: ScheduleSpec, p: dict[str, Any], errors: dict[str, ParameterError]
) -> None:
    """Compute defaults that depend on other parameters and check cross-parameter limits."""
    if "total_steps" in errors or "warmup_steps" in errors:
        return
    total, warmup = p["total_steps"], p["warmup_steps"]

    if spec.name == "polynomial" and "base_lr" not in errors and "lr_end" not in errors:
        try:
            spec.param("lr_end").check_range(
                p["lr_end"], maximum=p["base_lr"], exclusive_maximum=True
            )
        except ParameterError as error:
            errors["lr_end"] = ParameterError(
                "lr_end",
                error.code,
                f"lr_end must be at least 0 and less than base_lr ({p['base_lr']:g}), "
                f"got {p['lr_end']:g}.",
                **error.limits,
            )
    elif spec.name == "inverse_sqrt" and p.get("timescale") is None:
        p["timescale"] = warmup or 10_000
    elif spec.name == "warmup_stable_decay":
        _fill_wsd_defaults(p)
    elif spec.name == "step" and p.get("step_size") is None:
        p["step_size"] = max(1, total // 3)
    elif spec.name == "exponential" and p.get("gamma") is None:
        p["gamma"] = 0.01 ** (1.0 / total)
    elif (
        spec.name == "one_cycle"
        and "pct_start" not in errors
        and p["pct_start"] * (total + 1) - 1 == 0.0
    ):
        # OneCycleLR's first phase ends at pct_start * N - 1; when that is exactly 0,
        # torch divides 0 by 0 at step 0 and raises ZeroDivisionError.
        errors["pct_start"] = ParameterError(
            "pct_start",
            INVALID_COMBINATION,
            f"pct_start × (total_steps + 1) must not equal 1, because torch's OneCycleLR "
            f"then divides by zero at step 0. Got pct_start={p['pct_start']:g} and "
            f"total_steps={total}. Change one of them.",
        )


def _fill_wsd_defaults(p: dict[str, Any]) -> None:
    remaining = p["total_steps"] - p["warmup_steps"]
    stable, decay = p.get("num_stable_steps"), p.get("num_decay_steps")
    if decay is None and stable is None:
        decay = min(remaining, p["total_steps"] // 10)
    elif decay is None:
        decay = max(0, remaining - stable)
    if stable is None:
        stable = max(0, remaining - decay)
    p["num_stable_steps"], p["num_decay_steps"] = stable, decay


def _check_output_size(
    count: int, max_values: int, param: str, message: str, errors: dict[str, ParameterError]
) -> None:
    if count > max_values:
        errors[param] = ParameterError(param, TOO_LARGE, message, maximum_values=max_values)


def validate_schedule(values: Mapping[str, object]) -> dict[str, Any]:
    """Validate typed or string schedule parameters and fill in every default.

    Args:
        values: ``schedule``, ``base_lr``, ``total_steps``, optional
            ``warmup_steps`` and the schedule's own parameters; values may be
            Python numbers or strings. ``None`` or a blank string means absent.

    Returns:
        The effective parameters, with defaults (including those computed from
        other parameters) filled in.

    Raises:
        ParameterErrors: with one entry per invalid, missing or unknown parameter.
    """
    errors: dict[str, ParameterError] = {}
    effective = _validate_schedule(values, errors)
    if errors:
        raise ParameterErrors(errors)
    return effective


def parse_schedule_query(
    query: Mapping[str, str],
    *,
    max_values: int | None = MAX_JSON_VALUES,
    ignore: Collection[str] = (),
) -> ScheduleQuery:
    """Validate a query-string dict for ``lr_schedule`` and the optional ``points`` cap.

    Args:
        query: parameter name to raw string, such as Django's ``request.GET``
            (one value per name). Blank values count as absent.
        max_values: most points the response may hold, or ``None`` for no cap
            beyond ``MAX_TOTAL_STEPS``.
        ignore: names handled by the caller (such as ``format``) and not rejected
            as unknown.

    Returns:
        A :class:`ScheduleQuery` whose ``kwargs`` can be passed as ``lr_schedule(**kwargs)``.

    Raises:
        ParameterErrors: with one entry per invalid, missing or unknown parameter.

    Example:
        >>> parse_schedule_query({"schedule": "linear", "base_lr": "1e-3",
        ...                       "total_steps": "100", "points": "50"}).points
        50
    """
    values = {key: value for key, value in query.items() if key not in ignore}
    errors: dict[str, ParameterError] = {}
    points = _coerce_fields((POINTS,), {"points": values.pop("points", None)}, errors).get("points")
    effective = _validate_schedule(values, errors, also_allowed=("points",))

    if max_values is not None and "total_steps" not in errors and "points" not in errors:
        total = effective["total_steps"]
        if points is not None and points > max_values:
            errors["points"] = ParameterError(
                "points",
                OUT_OF_RANGE,
                f"points must be at most {max_values}, got {points}.",
                minimum=POINTS.minimum,
                maximum=max_values,
            )
        elif points is None:
            _check_output_size(
                total + 1,
                max_values,
                "total_steps",
                f"total_steps={total} gives {total + 1} points, more than the {max_values} "
                f"this format allows. Lower total_steps, or set points to at most {max_values}.",
                errors,
            )
    if errors:
        raise ParameterErrors(errors)

    kwargs = {"name" if key == "schedule" else key: value for key, value in effective.items()}
    return ScheduleQuery(kwargs=kwargs, points=points)


def validate_positional_encoding(
    values: Mapping[str, object], *, max_values: int = MAX_NPY_VALUES
) -> dict[str, Any]:
    """Validate positional-encoding parameters given as numbers or strings.

    Args:
        values: ``positions``, ``d_model`` and optional ``base``, ``layout``, ``offset``.
        max_values: maximum count of matrix cells (``positions * d_model``).
            Use ``MAX_JSON_VALUES`` for JSON or CSV and ``MAX_NPY_VALUES`` (the
            default, 128 MiB of float64) for ``.npy``.

    Returns:
        Keyword arguments for ``positional_encoding`` with defaults filled in.

    Raises:
        ParameterErrors: with one entry per invalid, missing or unknown parameter.

    Example:
        >>> validate_positional_encoding({"positions": "8", "d_model": "16"})["base"]
        10000.0
    """
    errors: dict[str, ParameterError] = {}
    allowed = {spec.name for spec in POSITIONAL_ENCODING_PARAMS}
    _reject_unknown(values, allowed, "the positional encoding", errors)
    typed = _coerce_fields(POSITIONAL_ENCODING_PARAMS, values, errors)

    if "positions" not in errors and "d_model" not in errors:
        cells = typed["positions"] * typed["d_model"]
        _check_output_size(
            cells,
            max_values,
            "positions",
            f"positions × d_model = {cells} values, more than the {max_values} this format "
            f"allows. Lower positions or d_model.",
            errors,
        )
    if errors:
        raise ParameterErrors(errors)
    return typed


def parse_positional_encoding_query(
    query: Mapping[str, str], *, max_values: int = MAX_JSON_VALUES, ignore: Collection[str] = ()
) -> dict[str, Any]:
    """Validate a query-string dict for ``positional_encoding``.

    ``query`` and ``ignore`` are as in :func:`parse_schedule_query`, and
    ``max_values`` as in :func:`validate_positional_encoding`. Returns keyword
    arguments for ``positional_encoding(**kwargs)``.

    Raises:
        ParameterErrors: with one entry per invalid, missing or unknown parameter.
    """
    values = {key: value for key, value in query.items() if key not in ignore}
    return validate_positional_encoding(values, max_values=max_values)
