"""Calculator error messages and allowed ranges in the reader's language.

``kb.calculators`` has no Django import, so its :class:`ParameterError`
messages are English. The API and the pages rebuild each message here with
gettext from the error's stable ``code``, its ``limits`` and the value the
request sent, and fall back to the engine's English message for a code this
module does not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .calculators.params import (
    INVALID_CHOICE,
    INVALID_COMBINATION,
    NOT_A_NUMBER,
    NOT_AN_INTEGER,
    NOT_APPLICABLE,
    NOT_EVEN,
    NOT_FINITE,
    OUT_OF_RANGE,
    REQUIRED,
    TOO_LARGE,
    UNKNOWN_PARAMETER,
    ParameterError,
    ParameterSpec,
    format_limit,
)

MAX_SHOWN_VALUE = 40
"""Rejected values longer than this many characters are cut in messages."""


def describe_range(
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> str:
    """Return a range as a phrase, such as "at least 1 and at most 10000000"."""
    low = format_limit(minimum) if minimum is not None else None
    high = format_limit(maximum) if maximum is not None else None
    values = {"minimum": low, "maximum": high}

    if low is not None and high is not None:
        if exclusive_minimum and exclusive_maximum:
            return _("greater than %(minimum)s and less than %(maximum)s") % values
        if exclusive_minimum:
            return _("greater than %(minimum)s and at most %(maximum)s") % values
        if exclusive_maximum:
            return _("at least %(minimum)s and less than %(maximum)s") % values
        return _("at least %(minimum)s and at most %(maximum)s") % values
    if low is not None:
        phrase = _("greater than %(minimum)s") if exclusive_minimum else _("at least %(minimum)s")
        return phrase % values
    if high is not None:
        phrase = _("less than %(maximum)s") if exclusive_maximum else _("at most %(maximum)s")
        return phrase % values
    return ""


def describe_allowed(spec: ParameterSpec) -> str:
    """Return the values ``spec`` allows as a phrase, such as "a whole number at least 1"."""
    if spec.choices is not None:
        return _("one of %(choices)s") % {"choices": ", ".join(spec.choices)}

    limits = describe_range(
        spec.minimum, spec.maximum, spec.exclusive_minimum, spec.exclusive_maximum
    )
    if spec.even:
        kind = _("an even whole number %(range)s") if limits else _("an even whole number")
    elif spec.type == "integer":
        kind = _("a whole number %(range)s") if limits else _("a whole number")
    else:
        kind = _("a number %(range)s") if limits else _("a number")
    return kind % {"range": limits} if limits else kind


def shown_value(value: object) -> str:
    """Return a rejected value as text for a message, cut to ``MAX_SHOWN_VALUE`` characters."""
    text = "" if value is None else str(value)
    if len(text) > MAX_SHOWN_VALUE:
        text = text[: MAX_SHOWN_VALUE - 1] + "…"
    return text


def translate_parameter_error(
    error: ParameterError,
    query: Mapping[str, Any],
    specs: Mapping[str, ParameterSpec],
    *,
    schedule: str | None = None,
    also_allowed: tuple[str, ...] = (),
) -> str:
    """Return ``error`` as a sentence in the active language.

    Args:
        error: one error of :class:`~kb.calculators.ParameterErrors`.
        query: the request's raw values by parameter name, for the rejected
            value and for the sizes in "too large" messages.
        specs: the specs of the request's parameters by name, for the kind of
            value a missing parameter needs.
        schedule: the schedule the request asked for, named in messages about
            parameters that schedule does not take.
        also_allowed: parameters the caller reads itself (such as ``format``),
            listed with the engine's in messages about unknown parameters.
    """
    values = {
        "param": error.param,
        "value": shown_value(query.get(error.param)),
        "schedule": schedule or "",
    }
    limits = error.limits
    code = error.code

    if code == REQUIRED and error.param in specs:
        values["allowed"] = describe_allowed(specs[error.param])
        return _("%(param)s is missing. It must be %(allowed)s.") % values
    if code == NOT_A_NUMBER:
        return _("%(param)s must be a number, got “%(value)s”.") % values
    if code == NOT_AN_INTEGER:
        return _("%(param)s must be a whole number, got “%(value)s”.") % values
    if code == NOT_FINITE:
        return _("%(param)s must be a finite number, got “%(value)s”.") % values
    if code == NOT_EVEN:
        return _("%(param)s must be even, got “%(value)s”.") % values
    if code == OUT_OF_RANGE:
        values["range"] = describe_range(
            limits.get("minimum"),
            limits.get("maximum"),
            bool(limits.get("exclusive_minimum")),
            bool(limits.get("exclusive_maximum")),
        )
        return _("%(param)s must be %(range)s, got “%(value)s”.") % values
    if code == INVALID_CHOICE:
        values["choices"] = ", ".join(limits.get("choices", ()))
        return _("%(param)s must be one of %(choices)s, got “%(value)s”.") % values
    if code == UNKNOWN_PARAMETER:
        allowed = sorted({*limits.get("allowed", ()), *also_allowed})
        return _unknown_parameter_message(values, allowed)
    if code == NOT_APPLICABLE:
        return _("%(param)s is not used by the %(schedule)s schedule, so it must be 0.") % values
    if code == INVALID_COMBINATION and error.param == "pct_start":
        return _(
            "pct_start × (total_steps + 1) must not equal 1, because torch's OneCycleLR "
            "then divides by zero at step 0. Change pct_start or total_steps."
        )
    if code == TOO_LARGE:
        return _too_large_message(error, query, specs)
    return error.message


def _unknown_parameter_message(values: dict[str, str], allowed: list[str]) -> str:
    values = {**values, "param": shown_value(values["param"]), "allowed": ", ".join(allowed)}
    if values["schedule"]:
        message = _(
            "“%(param)s” is not a parameter of the %(schedule)s schedule. "
            "Allowed parameters: %(allowed)s."
        )
    else:
        message = _(
            "“%(param)s” is not a parameter of this calculator. Allowed parameters: %(allowed)s."
        )
    return message % values


def _too_large_message(
    error: ParameterError, query: Mapping[str, Any], specs: Mapping[str, ParameterSpec]
) -> str:
    """Rebuild the "output too large" message, with the sizes the request asked for."""
    maximum = error.limits.get("maximum_values")
    try:
        if error.param == "total_steps":
            total = specs["total_steps"].coerce(query["total_steps"])
            message = _(
                "total_steps=%(total)s gives %(count)s points, more than the %(maximum)s "
                "this format allows. Lower total_steps, or set points to at most %(maximum)s."
            )
            return message % {"total": total, "count": total + 1, "maximum": maximum}
        if error.param == "positions":
            positions = specs["positions"].coerce(query["positions"])
            d_model = specs["d_model"].coerce(query["d_model"])
            message = _(
                "positions × d_model = %(count)s values, more than the %(maximum)s this "
                "format allows. Lower positions or d_model."
            )
            return message % {"count": positions * d_model, "maximum": maximum}
    except (KeyError, ParameterError):
        pass
    return error.message
