"""Parameter specifications, limits and error types for the calculators.

Every parameter is described by a :class:`ParameterSpec` (type, default, range,
choices, unit), so the API can build its OpenAPI description and the pages
their form fields from the same data. :mod:`kb.calculators.validation` checks
requests against these specs. It collects one :class:`ParameterError` per
invalid parameter and raises them together as :class:`ParameterErrors`. Each
error carries a stable ``code`` and its limits as data, so the web layer can
translate the English ``message``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# Size caps. The schedule and matrix are computed in memory as float64, and
# the response encoders, not the arithmetic, dominate the cost of large outputs.
MAX_TOTAL_STEPS = 10_000_000
"""Maximum ``total_steps``: the schedule then has 10,000,001 rates (80 MB)."""
MAX_JSON_VALUES = 1_000_000
"""Maximum count of numbers in one JSON or CSV response (schedule points or matrix cells)."""
MAX_NPY_VALUES = 16_777_216
"""Maximum count of matrix cells in one NumPy ``.npy`` response (4096 x 4096, 128 MiB)."""
MAX_POSITIONS = 1_048_576
MAX_D_MODEL = 65_536
MAX_OFFSET = 10_000_000
MAX_CYCLES = 1000.0

# Stable error codes for API clients and translations.
REQUIRED = "required"
NOT_A_NUMBER = "not_a_number"
NOT_AN_INTEGER = "not_an_integer"
NOT_FINITE = "not_finite"
OUT_OF_RANGE = "out_of_range"
NOT_EVEN = "not_even"
INVALID_CHOICE = "invalid_choice"
UNKNOWN_PARAMETER = "unknown_parameter"
NOT_APPLICABLE = "not_applicable"
INVALID_COMBINATION = "invalid_combination"
TOO_LARGE = "too_large"


class ParameterError(ValueError):
    """An invalid value of one parameter.

    Attributes:
        param: the parameter name, as in the query string.
        code: a stable machine-readable reason, one of the module's code constants.
        message: an English sentence naming the parameter and what is allowed.
        limits: the allowed range or values as data, for example
            ``{"minimum": 1, "maximum": 10000000}`` or ``{"choices": [...]}``.
    """

    def __init__(self, param: str, code: str, message: str, **limits: Any) -> None:
        super().__init__(message)
        self.param = param
        self.code = code
        self.message = message
        self.limits = limits

    def as_dict(self) -> dict[str, Any]:
        return {
            "param": self.param,
            "code": self.code,
            "message": self.message,
            "limits": dict(self.limits),
        }


class ParameterErrors(ValueError):
    """All invalid parameters of one request, keyed by parameter name."""

    def __init__(self, errors: Mapping[str, ParameterError]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(error.message for error in self.errors.values()))

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {name: error.as_dict() for name, error in self.errors.items()}


@dataclass(frozen=True)
class ParameterSpec:
    """Description and limits of one calculator parameter.

    ``type`` uses the JSON Schema names ``"integer"``, ``"number"`` and
    ``"string"``. ``default`` is ``None`` when the parameter is required or
    when its default depends on other parameters (``default_description`` then
    states the rule).
    """

    name: str
    type: str
    description: str
    default: Any = None
    default_description: str | None = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    choices: tuple[str, ...] | None = None
    even: bool = False
    unit: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.choices is not None:
            data["choices"] = list(self.choices)
        return data

    def describe_allowed(self) -> str:
        """Return the allowed values as a phrase, such as "a whole number at least 1"."""
        if self.choices is not None:
            return f"one of {', '.join(self.choices)}"
        kind = {"integer": "a whole number", "number": "a number"}.get(self.type, "a string")
        if self.even:
            kind = "an even whole number"
        limits = _describe_range(
            self.minimum, self.maximum, self.exclusive_minimum, self.exclusive_maximum
        )
        return f"{kind} {limits}" if limits else kind

    def limits(self) -> dict[str, Any]:
        """Return the allowed range or choices as data for :class:`ParameterError`."""
        if self.choices is not None:
            return {"choices": list(self.choices)}
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "exclusive_minimum": self.exclusive_minimum,
            "exclusive_maximum": self.exclusive_maximum,
        }

    def coerce(self, value: object) -> Any:
        """Convert a raw string or a Python number to this parameter's type and check its range.

        Raises:
            ParameterError: when the value is of the wrong kind or out of range.
        """
        if self.type == "string":
            return self._coerce_choice(value)
        number = self._coerce_number(value)
        self.check_range(number)
        if self.even and number % 2 != 0:
            raise ParameterError(self.name, NOT_EVEN, f"{self.name} must be even, got {number}.")
        return number

    def _coerce_choice(self, value: object) -> str:
        text = value.strip() if isinstance(value, str) else value
        if self.choices is not None and text not in self.choices:
            raise ParameterError(
                self.name,
                INVALID_CHOICE,
                f"{self.name} must be one of {', '.join(self.choices)}, got {short_repr(value)}.",
                choices=list(self.choices),
            )
        return text

    def _coerce_number(self, value: object) -> int | float:
        if isinstance(value, str):
            text = value.strip()
            try:
                number: float | int = int(text) if self.type == "integer" else float(text)
            except ValueError:
                try:
                    number = float(text)
                except ValueError:
                    raise ParameterError(
                        self.name,
                        NOT_A_NUMBER,
                        f"{self.name} must be a number, got {short_repr(value)}.",
                    ) from None
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = value
        else:
            raise ParameterError(
                self.name, NOT_A_NUMBER, f"{self.name} must be a number, got {short_repr(value)}."
            )

        if isinstance(number, numbers.Integral):
            number = int(number)
        elif not math.isfinite(number):
            raise ParameterError(
                self.name,
                NOT_FINITE,
                f"{self.name} must be a finite number, got {short_repr(value)}.",
            )
        if self.type == "number":
            return float(number)
        if isinstance(number, float) and not number.is_integer():
            raise ParameterError(
                self.name,
                NOT_AN_INTEGER,
                f"{self.name} must be a whole number, got {short_repr(value)}.",
            )
        return int(number)

    def check_range(
        self, number: float, *, maximum: float | None = None, exclusive_maximum: bool | None = None
    ) -> None:
        """Raise :class:`ParameterError` if ``number`` is outside the allowed range.

        ``maximum`` and ``exclusive_maximum`` override the spec's own bound when
        it depends on another parameter (``warmup_steps`` is at most ``total_steps``).
        """
        if maximum is None:
            maximum = self.maximum
        if exclusive_maximum is None:
            exclusive_maximum = self.exclusive_maximum

        below = self.minimum is not None and (
            number <= self.minimum if self.exclusive_minimum else number < self.minimum
        )
        above = maximum is not None and (
            number >= maximum if exclusive_maximum else number > maximum
        )
        if below or above:
            range_text = _describe_range(
                self.minimum, maximum, self.exclusive_minimum, exclusive_maximum
            )
            raise ParameterError(
                self.name,
                OUT_OF_RANGE,
                f"{self.name} must be {range_text}, got {short_repr(number)}.",
                minimum=self.minimum,
                maximum=maximum,
                exclusive_minimum=self.exclusive_minimum,
                exclusive_maximum=exclusive_maximum,
            )


def _describe_range(
    minimum: float | None, maximum: float | None, exclusive_minimum: bool, exclusive_maximum: bool
) -> str:
    parts = []
    if minimum is not None:
        parts.append(
            f"{'greater than' if exclusive_minimum else 'at least'} {format_limit(minimum)}"
        )
    if maximum is not None:
        parts.append(f"{'less than' if exclusive_maximum else 'at most'} {format_limit(maximum)}")
    return " and ".join(parts)


def format_limit(value: float) -> str:
    """Format a limit for a message: whole numbers in full (10000000), others as ``%g``."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"


def short_repr(value: object) -> str:
    """Return a short repr of a rejected value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _integer(name: str, description: str, **options: Any) -> ParameterSpec:
    return ParameterSpec(name=name, type="integer", description=description, **options)


def _number(name: str, description: str, **options: Any) -> ParameterSpec:
    return ParameterSpec(name=name, type="number", description=description, **options)


def _choice(name: str, description: str, choices: tuple[str, ...], **options: Any) -> ParameterSpec:
    return ParameterSpec(
        name=name, type="string", description=description, choices=choices, **options
    )


def _cycles(default: float, description: str) -> ParameterSpec:
    return _number(
        "num_cycles",
        description,
        default=default,
        minimum=0.0,
        exclusive_minimum=True,
        maximum=MAX_CYCLES,
        unit="cycles",
    )


def _min_lr_ratio(description: str) -> ParameterSpec:
    return _number("min_lr_ratio", description, default=0.0, minimum=0.0, maximum=1.0)


@dataclass(frozen=True)
class ScheduleSpec:
    """One learning-rate schedule: where its semantics come from and its own parameters.

    ``warmup`` is ``"optional"`` (``warmup_steps`` may be 0), ``"required"``
    (at least 1) or ``"unused"`` (must be 0, because the library's scheduler has
    no warmup argument).
    """

    name: str
    reference: str
    warmup: str
    params: tuple[ParameterSpec, ...] = field(default_factory=tuple)

    def param(self, name: str) -> ParameterSpec:
        return next(spec for spec in self.params if spec.name == name)


# The schedule-selecting parameter is named "schedule" in queries and "name" in lr_schedule().
SCHEDULE_NAMES = (
    "constant",
    "constant_with_warmup",
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "inverse_sqrt",
    "warmup_stable_decay",
    "step",
    "exponential",
    "one_cycle",
    "noam",
)

POINTS = _integer(
    "points",
    "Return at most this many points, keeping the first, the last and each peak.",
    default_description="every step, with no downsampling",
    minimum=3,
    maximum=MAX_JSON_VALUES,
    unit="points",
)

COMMON_SCHEDULE_PARAMS = (
    _choice("schedule", "Schedule name.", SCHEDULE_NAMES, required=True),
    _number(
        "base_lr",
        "Learning rate set in the optimizer (the peak rate for most "
        "schedules, the scale factor for noam).",
        required=True,
        minimum=0.0,
        exclusive_minimum=True,
        maximum=100.0,
    ),
    _integer(
        "total_steps",
        "Number of optimizer steps; the rate is given for steps 0 to total_steps inclusive.",
        required=True,
        minimum=1,
        maximum=MAX_TOTAL_STEPS,
        unit="steps",
    ),
    _integer(
        "warmup_steps",
        "Steps of linear warmup from 0 to base_lr; at most total_steps.",
        default=0,
        minimum=0,
        maximum=MAX_TOTAL_STEPS,
        unit="steps",
    ),
)

_DECAY_TYPES = ("linear", "cosine", "1-sqrt")

SCHEDULES: dict[str, ScheduleSpec] = {
    spec.name: spec
    for spec in (
        ScheduleSpec("constant", "transformers.get_constant_schedule", "unused"),
        ScheduleSpec(
            "constant_with_warmup", "transformers.get_constant_schedule_with_warmup", "optional"
        ),
        ScheduleSpec("linear", "transformers.get_linear_schedule_with_warmup", "optional"),
        ScheduleSpec(
            "cosine",
            "transformers.get_cosine_with_min_lr_schedule_with_warmup "
            "(get_cosine_schedule_with_warmup when min_lr_ratio is 0)",
            "optional",
            (
                _cycles(
                    0.5, "Number of cosine waves after warmup; 0.5 decays once to the minimum."
                ),
                _min_lr_ratio("Final rate as a fraction of base_lr."),
            ),
        ),
        ScheduleSpec(
            "cosine_with_restarts",
            "transformers.get_cosine_with_hard_restarts_schedule_with_warmup",
            "optional",
            (_cycles(1.0, "Number of cosine decays, each restarting at base_lr."),),
        ),
        ScheduleSpec(
            "polynomial",
            "transformers.get_polynomial_decay_schedule_with_warmup",
            "optional",
            (
                _number(
                    "power",
                    "Exponent of the decay; 1 is linear.",
                    default=1.0,
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=10.0,
                ),
                _number(
                    "lr_end",
                    "Rate reached at total_steps; less than base_lr.",
                    default=1e-7,
                    minimum=0.0,
                ),
            ),
        ),
        ScheduleSpec(
            "inverse_sqrt",
            "transformers.get_inverse_sqrt_schedule",
            "optional",
            (
                _integer(
                    "timescale",
                    "Steps over which the rate falls as 1/sqrt.",
                    default_description="warmup_steps, or 10000 when warmup_steps is 0",
                    minimum=1,
                    maximum=MAX_TOTAL_STEPS,
                    unit="steps",
                ),
            ),
        ),
        ScheduleSpec(
            "warmup_stable_decay",
            "transformers.get_wsd_schedule",
            "optional",
            (
                _integer(
                    "num_stable_steps",
                    "Steps held at base_lr after warmup.",
                    default_description="total_steps - warmup_steps - num_decay_steps, at least 0",
                    minimum=0,
                    maximum=MAX_TOTAL_STEPS,
                    unit="steps",
                ),
                _integer(
                    "num_decay_steps",
                    "Steps of the final decay.",
                    default_description="total_steps - warmup_steps - num_stable_steps when "
                    "num_stable_steps is given, else total_steps // 10 (at most "
                    "total_steps - warmup_steps)",
                    minimum=0,
                    maximum=MAX_TOTAL_STEPS,
                    unit="steps",
                ),
                _choice("decay_type", "Shape of the decay.", _DECAY_TYPES, default="cosine"),
                _choice("warmup_type", "Shape of the warmup.", _DECAY_TYPES, default="linear"),
                _min_lr_ratio(
                    "Rate at the start of warmup and after the decay, as a fraction of base_lr."
                ),
                _cycles(0.5, "Number of cosine waves in a cosine decay."),
            ),
        ),
        ScheduleSpec(
            "step",
            "torch.optim.lr_scheduler.StepLR",
            "unused",
            (
                _integer(
                    "step_size",
                    "Steps between two multiplications by gamma.",
                    default_description="total_steps // 3, at least 1",
                    minimum=1,
                    maximum=MAX_TOTAL_STEPS,
                    unit="steps",
                ),
                _number(
                    "gamma",
                    "Factor applied every step_size steps.",
                    default=0.1,
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=1.0,
                ),
            ),
        ),
        ScheduleSpec(
            "exponential",
            "torch.optim.lr_scheduler.ExponentialLR",
            "unused",
            (
                _number(
                    "gamma",
                    "Factor applied at every step.",
                    default_description="0.01 ** (1 / total_steps), so the rate ends at "
                    "1% of base_lr",
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=1.0,
                ),
            ),
        ),
        ScheduleSpec(
            "one_cycle",
            "torch.optim.lr_scheduler.OneCycleLR with max_lr=base_lr "
            "and total_steps=total_steps + 1",
            "unused",
            (
                _number(
                    "pct_start",
                    "Fraction of the run spent raising the rate.",
                    default=0.3,
                    minimum=0.0,
                    maximum=1.0,
                ),
                _number(
                    "div_factor",
                    "Initial rate is base_lr / div_factor.",
                    default=25.0,
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=1e6,
                ),
                _number(
                    "final_div_factor",
                    "Final rate is the initial rate / final_div_factor.",
                    default=1e4,
                    minimum=0.0,
                    exclusive_minimum=True,
                    maximum=1e12,
                ),
                _choice(
                    "anneal_strategy", "Shape of both phases.", ("cos", "linear"), default="cos"
                ),
            ),
        ),
        ScheduleSpec(
            "noam",
            "Vaswani et al. (2017): base_lr * d_model ** -0.5 * "
            "min(s ** -0.5, s * warmup_steps ** -1.5)",
            "required",
            (
                _integer(
                    "d_model",
                    "Model width; the rate scales as d_model ** -0.5.",
                    default=512,
                    minimum=1,
                    maximum=MAX_D_MODEL,
                    unit="dimensions",
                ),
            ),
        ),
    )
}

POSITIONAL_ENCODING_PARAMS = (
    _integer(
        "positions",
        "Number of positions (matrix rows).",
        required=True,
        minimum=1,
        maximum=MAX_POSITIONS,
        unit="positions",
    ),
    _integer(
        "d_model",
        "Model width (matrix columns); even.",
        required=True,
        minimum=2,
        maximum=MAX_D_MODEL,
        even=True,
        unit="dimensions",
    ),
    _number(
        "base",
        "Constant under the exponent; the wavelengths run from 2*pi to 2*pi*base.",
        default=10000.0,
        minimum=1.0,
        exclusive_minimum=True,
        maximum=1e12,
    ),
    _choice(
        "layout",
        "Column order: sin/cos pairs, or all sines then all cosines.",
        ("interleaved", "concatenated"),
        default="interleaved",
    ),
    _integer(
        "offset",
        "Position of the first row.",
        default=0,
        minimum=0,
        maximum=MAX_OFFSET,
        unit="positions",
    ),
)


def describe_schedule_parameters() -> list[dict[str, Any]]:
    """Describe every schedule parameter once, with the schedules that use it.

    Returns one dict per parameter name (the :meth:`ParameterSpec.as_dict`
    fields, plus ``used_by``: schedule names, or ``None`` for parameters common
    to all, and ``defaults``: schedule name to default where they differ).
    """
    described = [
        {**spec.as_dict(), "used_by": None, "defaults": None}
        for spec in (*COMMON_SCHEDULE_PARAMS, POINTS)
    ]
    by_name: dict[str, dict[str, Any]] = {}
    for schedule in SCHEDULES.values():
        for spec in schedule.params:
            entry = by_name.setdefault(spec.name, {**spec.as_dict(), "used_by": [], "defaults": {}})
            entry["used_by"].append(schedule.name)
            entry["defaults"][schedule.name] = spec.default
    return described + list(by_name.values())


def describe_positional_encoding_parameters() -> list[dict[str, Any]]:
    """Describe every positional-encoding parameter as a dict of :class:`ParameterSpec` fields."""
    return [spec.as_dict() for spec in POSITIONAL_ENCODING_PARAMS]
