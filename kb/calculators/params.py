"""Parameter specifications, limits and validation for the calculators.

Every parameter is described by a :class:`ParameterSpec` (type, default, range,
choices, unit), so the API can build its OpenAPI description and the pages
their form fields from the same data. Validation collects one
:class:`ParameterError` per invalid parameter and raises them together as
:class:`ParameterErrors`. Each error carries a stable ``code`` and its limits as
data, so the web layer can translate the English ``message``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
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
        return {"param": self.param, "code": self.code, "message": self.message,
                "limits": dict(self.limits)}


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
                self.name, INVALID_CHOICE,
                f"{self.name} must be one of {', '.join(self.choices)}, got {_show(value)}.",
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
                    raise ParameterError(self.name, NOT_A_NUMBER,
                                         f"{self.name} must be a number, got {_show(value)}.") from None
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            number = value
        else:
            raise ParameterError(self.name, NOT_A_NUMBER,
                                 f"{self.name} must be a number, got {_show(value)}.")

        if isinstance(number, numbers.Integral):
            number = int(number)
        elif not math.isfinite(number):
            raise ParameterError(self.name, NOT_FINITE,
                                 f"{self.name} must be a finite number, got {_show(value)}.")
        if self.type == "number":
            return float(number)
        if isinstance(number, float) and not number.is_integer():
            raise ParameterError(self.name, NOT_AN_INTEGER,
                                 f"{self.name} must be a whole number, got {_show(value)}.")
        return int(number)

    def check_range(self, number: float, *, maximum: float | None = None,
                    exclusive_maximum: bool | None = None) -> None:
        """Raise :class:`ParameterError` if ``number`` is outside the allowed range.

        ``maximum`` and ``exclusive_maximum`` override the spec's own bound when
        it depends on another parameter (``warmup_steps`` is at most ``total_steps``).
        """
        if maximum is None:
            maximum = self.maximum
        if exclusive_maximum is None:
            exclusive_maximum = self.exclusive_maximum

        below = self.minimum is not None and (
            number <= self.minimum if self.exclusive_minimum else number < self.minimum)
        above = maximum is not None and (
            number >= maximum if exclusive_maximum else number > maximum)
        if below or above:
            range_text = _describe_range(self.minimum, maximum, self.exclusive_minimum,
                                         exclusive_maximum)
            raise ParameterError(
                self.name, OUT_OF_RANGE, f"{self.name} must be {range_text}, got {_show(number)}.",
                minimum=self.minimum, maximum=maximum,
                exclusive_minimum=self.exclusive_minimum, exclusive_maximum=exclusive_maximum,
            )


def _describe_range(minimum: float | None, maximum: float | None,
                    exclusive_minimum: bool, exclusive_maximum: bool) -> str:
    parts = []
    if minimum is not None:
        parts.append(f"{'greater than' if exclusive_minimum else 'at least'} {minimum:g}")
    if maximum is not None:
        parts.append(f"{'less than' if exclusive_maximum else 'at most'} {maximum:g}")
    return " and ".join(parts)


def _show(value: object) -> str:
    """Return a short repr of a rejected value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _integer(name: str, description: str, **options: Any) -> ParameterSpec:
    return ParameterSpec(name=name, type="integer", description=description, **options)


def _number(name: str, description: str, **options: Any) -> ParameterSpec:
    return ParameterSpec(name=name, type="number", description=description, **options)


def _choice(name: str, description: str, choices: tuple[str, ...], **options: Any
            ) -> ParameterSpec:
    return ParameterSpec(name=name, type="string", description=description,
                         choices=choices, **options)


def _cycles(default: float, description: str) -> ParameterSpec:
    return _number("num_cycles", description, default=default, minimum=0.0,
                   exclusive_minimum=True, maximum=MAX_CYCLES, unit="cycles")


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
    "constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts",
    "polynomial", "inverse_sqrt", "warmup_stable_decay", "step", "exponential",
    "one_cycle", "noam",
)

POINTS = _integer(
    "points", "Return at most this many points, keeping the first, the last and each "
    "peak.", default_description="every step, with no downsampling", minimum=3,
    maximum=MAX_JSON_VALUES, unit="points")

COMMON_SCHEDULE_PARAMS = (
    _choice("schedule", "Schedule name.", SCHEDULE_NAMES, required=True),
    _number("base_lr", "Learning rate set in the optimizer (the peak rate for most "
            "schedules, the scale factor for noam).", required=True, minimum=0.0,
            exclusive_minimum=True, maximum=100.0),
    _integer("total_steps", "Number of optimizer steps; the rate is given for steps "
             "0 to total_steps inclusive.", required=True, minimum=1,
             maximum=MAX_TOTAL_STEPS, unit="steps"),
    _integer("warmup_steps", "Steps of linear warmup from 0 to base_lr; at most "
             "total_steps.", default=0, minimum=0, maximum=MAX_TOTAL_STEPS, unit="steps"),
)

_DECAY_TYPES = ("linear", "cosine", "1-sqrt")

SCHEDULES: dict[str, ScheduleSpec] = {spec.name: spec for spec in (
    ScheduleSpec("constant", "transformers.get_constant_schedule", "unused"),
    ScheduleSpec("constant_with_warmup", "transformers.get_constant_schedule_with_warmup",
                 "optional"),
    ScheduleSpec("linear", "transformers.get_linear_schedule_with_warmup", "optional"),
    ScheduleSpec("cosine", "transformers.get_cosine_with_min_lr_schedule_with_warmup "
                 "(get_cosine_schedule_with_warmup when min_lr_ratio is 0)", "optional", (
        _cycles(0.5, "Number of cosine waves after warmup; 0.5 decays once to the minimum."),
        _min_lr_ratio("Final rate as a fraction of base_lr."),
    )),
    ScheduleSpec("cosine_with_restarts",
                 "transformers.get_cosine_with_hard_restarts_schedule_with_warmup", "optional", (
        _cycles(1.0, "Number of cosine decays, each restarting at base_lr."),
    )),
    ScheduleSpec("polynomial", "transformers.get_polynomial_decay_schedule_with_warmup",
                 "optional", (
        _number("power", "Exponent of the decay; 1 is linear.", default=1.0, minimum=0.0,
                exclusive_minimum=True, maximum=10.0),
        _number("lr_end", "Rate reached at total_steps; less than base_lr.", default=1e-7,
                minimum=0.0),
    )),
    ScheduleSpec("inverse_sqrt", "transformers.get_inverse_sqrt_schedule", "optional", (
        _integer("timescale", "Steps over which the rate falls as 1/sqrt.",
                 default_description="warmup_steps, or 10000 when warmup_steps is 0",
                 minimum=1, maximum=MAX_TOTAL_STEPS, unit="steps"),
    )),
    ScheduleSpec("warmup_stable_decay", "transformers.get_wsd_schedule", "optional", (
        _integer("num_stable_steps", "Steps held at base_lr after warmup.",
                 default_description="total_steps - warmup_steps - num_decay_steps, "
                 "at least 0", minimum=0, maximum=MAX_TOTAL_STEPS, unit="steps"),
        _integer("num_decay_steps", "Steps of the final decay.",
                 default_description="total_steps - warmup_steps - num_stable_steps when "
                 "num_stable_steps is given, else total_steps // 10 (at most "
                 "total_steps - warmup_steps)", minimum=0, maximum=MAX_TOTAL_STEPS,
                 unit="steps"),
        _choice("decay_type", "Shape of the decay.", _DECAY_TYPES, default="cosine"),
        _choice("warmup_type", "Shape of the warmup.", _DECAY_TYPES, default="linear"),
        _min_lr_ratio("Rate at the start of warmup and after the decay, as a fraction "
                      "of base_lr."),
        _cycles(0.5, "Number of cosine waves in a cosine decay."),
    )),
    ScheduleSpec("step", "torch.optim.lr_scheduler.StepLR", "unused", (
        _integer("step_size", "Steps between two multiplications by gamma.",
                 default_description="total_steps // 3, at least 1", minimum=1,
                 maximum=MAX_TOTAL_STEPS, unit="steps"),
        _number("gamma", "Factor applied every step_size steps.", default=0.1, minimum=0.0,
                exclusive_minimum=True, maximum=1.0),
    )),
    ScheduleSpec("exponential", "torch.optim.lr_scheduler.ExponentialLR", "unused", (
        _number("gamma", "Factor applied at every step.",
                default_description="0.01 ** (1 / total_steps), so the rate ends at "
                "1% of base_lr", minimum=0.0, exclusive_minimum=True, maximum=1.0),
    )),
    ScheduleSpec("one_cycle", "torch.optim.lr_scheduler.OneCycleLR with max_lr=base_lr "
                 "and total_steps=total_steps + 1", "unused", (
        _number("pct_start", "Fraction of the run spent raising the rate.", default=0.3,
                minimum=0.0, maximum=1.0),
        _number("div_factor", "Initial rate is base_lr / div_factor.", default=25.0,
                minimum=0.0, exclusive_minimum=True, maximum=1e6),
        _number("final_div_factor", "Final rate is the initial rate / final_div_factor.",
                default=1e4, minimum=0.0, exclusive_minimum=True, maximum=1e12),
        _choice("anneal_strategy", "Shape of both phases.", ("cos", "linear"), default="cos"),
    )),
    ScheduleSpec("noam", "Vaswani et al. (2017), section 5.3, scaled by base_lr", "required", (
        _integer("d_model", "Model width; the rate scales as d_model ** -0.5.", default=512,
                 minimum=1, maximum=MAX_D_MODEL, unit="dimensions"),
    )),
)}

POSITIONAL_ENCODING_PARAMS = (
    _integer("positions", "Number of positions (matrix rows).", required=True, minimum=1,
             maximum=MAX_POSITIONS, unit="positions"),
    _integer("d_model", "Model width (matrix columns); even.", required=True, minimum=2,
             maximum=MAX_D_MODEL, even=True, unit="dimensions"),
    _number("base", "Constant under the exponent; the wavelengths run from 2*pi to "
            "2*pi*base.", default=10000.0, minimum=1.0, exclusive_minimum=True, maximum=1e12),
    _choice("layout", "Column order: sin/cos pairs, or all sines then all cosines.",
            ("interleaved", "concatenated"), default="interleaved"),
    _integer("offset", "Position of the first row.", default=0, minimum=0,
             maximum=MAX_OFFSET, unit="positions"),
)


@dataclass(frozen=True)
class ScheduleQuery:
    """A validated schedule request: keyword arguments for ``lr_schedule`` and the point cap."""

    kwargs: dict[str, Any]
    points: int | None


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce_fields(specs: Collection[ParameterSpec], values: Mapping[str, object],
                   errors: dict[str, ParameterError]) -> dict[str, Any]:
    """Coerce each spec'd value; a blank or absent value takes the default (``None`` if computed)."""
    typed: dict[str, Any] = {}
    for spec in specs:
        raw = values.get(spec.name)
        if _is_blank(raw):
            if spec.required:
                errors[spec.name] = ParameterError(spec.name, REQUIRED,
                                                   f"{spec.name} is required.")
            typed[spec.name] = spec.default
            continue
        try:
            typed[spec.name] = spec.coerce(raw)
        except ParameterError as error:
            errors[spec.name] = error
    return typed


def _reject_unknown(values: Mapping[str, object], allowed: Collection[str], context: str,
                    errors: dict[str, ParameterError]) -> None:
    names = sorted(allowed)
    for key in values:
        if key not in allowed:
            errors[key] = ParameterError(
                key, UNKNOWN_PARAMETER,
                f"{_show(key)} is not a parameter of {context}; allowed: {', '.join(names)}.",
                allowed=names)


def _common_spec(name: str) -> ParameterSpec:
    return next(spec for spec in COMMON_SCHEDULE_PARAMS if spec.name == name)


def _validate_schedule(values: Mapping[str, object],
                       errors: dict[str, ParameterError]) -> dict[str, Any]:
    common = _coerce_fields(COMMON_SCHEDULE_PARAMS, values, errors)
    spec = SCHEDULES.get(common.get("schedule"))
    if spec is None:
        return common

    allowed = {p.name for p in COMMON_SCHEDULE_PARAMS} | {p.name for p in spec.params}
    _reject_unknown(values, allowed, f"the {spec.name} schedule", errors)
    effective = {**common, **_coerce_fields(spec.params, values, errors)}
    _check_warmup(spec, effective, errors)
    _fill_schedule_defaults(spec, effective, errors)
    return effective


def _check_warmup(spec: ScheduleSpec, p: dict[str, Any],
                  errors: dict[str, ParameterError]) -> None:
    if "total_steps" in errors or "warmup_steps" in errors:
        return
    total, warmup = p["total_steps"], p["warmup_steps"]
    warmup_spec = _common_spec("warmup_steps")

    try:
        if spec.warmup == "unused":
            if warmup != 0:
                raise ParameterError(
                    "warmup_steps", NOT_APPLICABLE,
                    f"warmup_steps is not used by the {spec.name} schedule; set it to 0.",
                    minimum=0, maximum=0)
        elif spec.warmup == "required":
            replace(warmup_spec, minimum=1).check_range(warmup, maximum=total)
        elif spec.name == "polynomial":
            # transformers divides by total_steps - warmup_steps, which must not be zero.
            warmup_spec.check_range(warmup, maximum=total, exclusive_maximum=True)
        else:
            warmup_spec.check_range(warmup, maximum=total)
    except ParameterError as error:
        errors["warmup_steps"] = error


def _fill_schedule_defaults(spec: ScheduleSpec, p: dict[str, Any],
                            errors: dict[str, ParameterError]) -> None:
    """Compute defaults that depend on other parameters and check cross-parameter limits."""
    if "total_steps" in errors or "warmup_steps" in errors:
        return
    total, warmup = p["total_steps"], p["warmup_steps"]

    if spec.name == "polynomial" and "base_lr" not in errors and "lr_end" not in errors:
        try:
            spec.param("lr_end").check_range(p["lr_end"], maximum=p["base_lr"],
                                             exclusive_maximum=True)
        except ParameterError as error:
            errors["lr_end"] = ParameterError(
                "lr_end", error.code,
                f"lr_end must be at least 0 and less than base_lr ({p['base_lr']:g}), "
                f"got {p['lr_end']:g}.", **error.limits)
    elif spec.name == "inverse_sqrt" and p.get("timescale") is None:
        p["timescale"] = warmup or 10_000
    elif spec.name == "warmup_stable_decay":
        _fill_wsd_defaults(p)
    elif spec.name == "step" and p.get("step_size") is None:
        p["step_size"] = max(1, total // 3)
    elif spec.name == "exponential" and p.get("gamma") is None:
        p["gamma"] = 0.01 ** (1.0 / total)
    elif (spec.name == "one_cycle" and "pct_start" not in errors
          and p["pct_start"] * (total + 1) - 1 == 0.0):
        # OneCycleLR's first phase ends at pct_start * N - 1; when that is exactly 0,
        # torch divides 0 by 0 at step 0 and raises ZeroDivisionError.
        errors["pct_start"] = ParameterError(
            "pct_start", INVALID_COMBINATION,
            f"pct_start × (total_steps + 1) must not equal 1 (torch's OneCycleLR "
            f"divides by zero there); got pct_start={p['pct_start']:g}, "
            f"total_steps={total}.")


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


def _check_output_size(count: int, max_values: int, param: str, message: str,
                       errors: dict[str, ParameterError]) -> None:
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


def parse_schedule_query(query: Mapping[str, str], *, max_values: int | None = MAX_JSON_VALUES,
                         ignore: Collection[str] = ()) -> ScheduleQuery:
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
    effective = _validate_schedule(values, errors)

    if max_values is not None and "total_steps" not in errors and "points" not in errors:
        total = effective["total_steps"]
        if points is not None and points > max_values:
            errors["points"] = ParameterError(
                "points", OUT_OF_RANGE, f"points must be at most {max_values}, got {points}.",
                minimum=POINTS.minimum, maximum=max_values)
        elif points is None:
            _check_output_size(
                total + 1, max_values, "total_steps",
                f"total_steps={total} gives {total + 1} points, more than the {max_values} "
                f"this format allows; lower total_steps or set points to at most {max_values}.",
                errors)
    if errors:
        raise ParameterErrors(errors)

    kwargs = {"name" if key == "schedule" else key: value for key, value in effective.items()}
    return ScheduleQuery(kwargs=kwargs, points=points)


def validate_positional_encoding(values: Mapping[str, object], *,
                                 max_values: int | None = None) -> dict[str, Any]:
    """Validate positional-encoding parameters given as numbers or strings.

    Args:
        values: ``positions``, ``d_model`` and optional ``base``, ``layout``, ``offset``.
        max_values: most matrix cells (``positions * d_model``) allowed, or
            ``None`` for no cap beyond the per-parameter maxima. Use
            ``MAX_JSON_VALUES`` for JSON or CSV and ``MAX_NPY_VALUES`` for ``.npy``.

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

    if max_values is not None and "positions" not in errors and "d_model" not in errors:
        cells = typed["positions"] * typed["d_model"]
        _check_output_size(
            cells, max_values, "positions",
            f"positions × d_model = {cells} values, more than the {max_values} this format "
            f"allows; lower positions or d_model.", errors)
    if errors:
        raise ParameterErrors(errors)
    return typed


def parse_positional_encoding_query(query: Mapping[str, str], *,
                                    max_values: int | None = MAX_JSON_VALUES,
                                    ignore: Collection[str] = ()) -> dict[str, Any]:
    """Validate a query-string dict for ``positional_encoding``.

    Takes the same arguments as :func:`parse_schedule_query` and returns keyword
    arguments for ``positional_encoding(**kwargs)``.

    Raises:
        ParameterErrors: with one entry per invalid, missing or unknown parameter.
    """
    values = {key: value for key, value in query.items() if key not in ignore}
    return validate_positional_encoding(values, max_values=max_values)


def describe_schedule_parameters() -> list[dict[str, Any]]:
    """Describe every schedule parameter once, with the schedules that use it.

    Returns one dict per parameter name (the :meth:`ParameterSpec.as_dict`
    fields, plus ``used_by``: schedule names, or ``None`` for parameters common
    to all, and ``defaults``: schedule name to default where they differ).
    """
    described = [{**spec.as_dict(), "used_by": None, "defaults": None}
                 for spec in (*COMMON_SCHEDULE_PARAMS, POINTS)]
    by_name: dict[str, dict[str, Any]] = {}
    for schedule in SCHEDULES.values():
        for spec in schedule.params:
            entry = by_name.setdefault(spec.name, {**spec.as_dict(), "used_by": [],
                                                   "defaults": {}})
            entry["used_by"].append(schedule.name)
            entry["defaults"][schedule.name] = spec.default
    return described + list(by_name.values())


def describe_positional_encoding_parameters() -> list[dict[str, Any]]:
    """Describe every positional-encoding parameter as a dict of :class:`ParameterSpec` fields."""
    return [spec.as_dict() for spec in POSITIONAL_ENCODING_PARAMS]
