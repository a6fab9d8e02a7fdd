"""Reading and checking the calculator pages' GET forms.

The pages keep every parameter in the URL, one value per name, so a link
reproduces the chart. Validation is the engine's (:mod:`kb.calculators`);
this module adds what only the pages have: compared schedules, the ``at``
and ``dims`` lists, smaller size caps, and errors keyed by form field in
the reader's language.

Compared schedules (``compare``, repeated up to three times) are drawn with
the same base_lr, total_steps and warmup_steps as ``schedule``, and with
every schedule parameter of the same name (one ``num_cycles`` for all
cosine schedules, for example). A blank parameter gives each schedule its own
default. Schedules whose library scheduler has no warmup ignore
warmup_steps here, where the API rejects it, because the field is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from .calculator_fields import (
    HELP,
    LABELS,
    LAYOUT_LABELS,
    SCHEDULE_LABELS,
    FormField,
    format_default,
    positional_encoding_specs,
    schedule_parameter_specs,
    schedule_specs,
    schedules_using,
    spec_field,
)
from .calculator_messages import describe_allowed, translate_parameter_error
from .calculators import (
    SCHEDULE_NAMES,
    SCHEDULES,
    ParameterError,
    ParameterErrors,
    validate_positional_encoding,
    validate_schedule,
)

PAGE_MAX_TOTAL_STEPS = 1_000_000
"""Largest total_steps a page draws; every step of every schedule is computed."""
MAX_COMPARED = 3
MAX_AT_STEPS = 8
PAGE_MAX_POSITIONS = 4096
PAGE_MAX_D_MODEL = 2048
MAX_DIMS = 8
MAX_LIST_TEXT = 200
"""Longest ``at`` or ``dims`` text read, in characters."""

COMMON_FIELDS = ("base_lr", "total_steps", "warmup_steps")
SCHEDULE_PARAMETERS = tuple(
    dict.fromkeys(spec.name for schedule in SCHEDULES.values() for spec in schedule.params)
)
"""Schedule-specific parameter names, in the order the schedules list them."""
SCHEDULE_FIELDS = ("schedule", *COMMON_FIELDS, *SCHEDULE_PARAMETERS, "at")
POSITIONAL_ENCODING_FIELDS = ("positions", "d_model", "base", "layout", "offset", "dims")

SCHEDULE_DEFAULTS = {
    "schedule": "cosine",
    "base_lr": "0.0003",
    "total_steps": "10000",
    "warmup_steps": "500",
    "compare": ["linear"],
    "at": "500, 5000",
}
"""Values of a first visit, whose URL has none of the form's parameters."""
POSITIONAL_ENCODING_DEFAULTS = {"positions": "128", "d_model": "128", "dims": "0, 1, 20, 40"}


@dataclass
class ScheduleSeries:
    """One schedule to draw: its validated ``lr_schedule`` arguments."""

    name: str
    params: dict[str, Any]
    ignores_warmup: bool = False

    @property
    def kwargs(self) -> dict[str, Any]:
        arguments = {key: value for key, value in self.params.items() if key != "schedule"}
        return {"name": self.name, **arguments}


@dataclass
class SchedulePage:
    """The learning-rate form as read from a URL: raw values, errors and what to draw."""

    values: dict[str, str]
    compare: list[str]
    errors: dict[str, str] = field(default_factory=dict)
    series: list[ScheduleSeries] = field(default_factory=list)
    at: list[int] = field(default_factory=list)

    @property
    def schedules(self) -> list[str]:
        """Return the selected schedule names that exist, the main one first."""
        names = [self.values.get("schedule", ""), *self.compare]
        return [name for name in dict.fromkeys(names) if name in SCHEDULES]


@dataclass
class EncodingPage:
    """The positional-encoding form as read from a URL."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    dims: list[int] = field(default_factory=list)


def _is_first_visit(query, names: tuple[str, ...]) -> bool:
    """Return whether the query sets none of the form's fields (a link without parameters)."""
    return not any(value.strip() for name in names for value in query.getlist(name))


def read_schedule_page(query, defaults: dict[str, Any] = SCHEDULE_DEFAULTS) -> SchedulePage:
    """Read and validate the learning-rate form from a query dict such as ``request.GET``."""
    if _is_first_visit(query, (*SCHEDULE_FIELDS, "compare")):
        values = {name: defaults.get(name, "") for name in SCHEDULE_FIELDS}
        compare = list(defaults.get("compare", []))
    else:
        values = {name: query.get(name, "").strip() for name in SCHEDULE_FIELDS}
        compare = [name.strip() for name in query.getlist("compare") if name.strip()]
    page = SchedulePage(values=values, compare=compare)

    _check_compare(page)
    _check_page_cap(page, "total_steps", PAGE_MAX_TOTAL_STEPS, schedule_specs())
    main = values["schedule"]
    for name in dict.fromkeys([main, *(name for name in page.schedules if name != main)]):
        _validate_series(page, name)
    if "total_steps" not in page.errors and page.series:
        page.at = _read_steps(page, page.series[0].params["total_steps"])
    if page.errors:
        page.series = []
    return page


def _check_compare(page: SchedulePage) -> None:
    unknown = [name for name in page.compare if name not in SCHEDULES]
    if unknown:
        message = _("compare must be one of %(choices)s, got “%(value)s”.")
        values = {"choices": ", ".join(SCHEDULE_NAMES), "value": unknown[0][:40]}
        page.errors["compare"] = message % values
    elif len(page.compare) > MAX_COMPARED:
        message = _("Compare at most %(count)s schedules at once; %(given)s were chosen.")
        page.errors["compare"] = message % {"count": MAX_COMPARED, "given": len(page.compare)}


def _check_page_cap(page, name: str, maximum: int, specs) -> None:
    """Reject a size above the page's cap before anything is computed."""
    try:
        number = specs[name].coerce(page.values.get(name, ""))
    except ParameterError:
        return  # The engine's validation reports it in the reader's language.
    if number > maximum:
        message = _(
            "%(param)s must be at most %(maximum)s on this page, got “%(value)s”. "
            "The API computes up to %(api_maximum)s."
        )
        values = {
            "param": name,
            "maximum": maximum,
            "value": page.values[name],
            "api_maximum": int(specs[name].maximum),
        }
        page.errors[name] = message % values


def _validate_series(page: SchedulePage, name: str) -> None:
    """Validate one schedule with the shared fields; record errors under their field."""
    spec = SCHEDULES.get(name)
    own = {param.name for param in spec.params} if spec else set()
    ignores_warmup = spec is not None and spec.warmup == "unused"
    values = {"schedule": name, **{key: page.values[key] for key in COMMON_FIELDS}}
    values.update({key: page.values[key] for key in own if page.values.get(key)})
    if ignores_warmup:
        values["warmup_steps"] = "0"

    try:
        params = validate_schedule(values)
    except ParameterErrors as invalid:
        is_main = name == page.values.get("schedule")
        for param, error in invalid.errors.items():
            message = translate_parameter_error(error, values, schedule_specs(name), schedule=name)
            if not is_main:
                message = _("%(schedule)s: %(message)s") % {"schedule": name, "message": message}
            page.errors.setdefault(param, message)
        return
    warmup_given = page.values["warmup_steps"] not in ("", "0")
    page.series.append(ScheduleSeries(name, params, ignores_warmup=ignores_warmup and warmup_given))


def _split_list(text: str) -> list[str]:
    """Split comma-separated text; the full-width comma of Chinese input counts as a comma."""
    parts = text[:MAX_LIST_TEXT].replace("，", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


def _read_index_list(page, name: str, maximum: int, count: int, message: str) -> list[int]:
    """Parse a comma-separated list of whole numbers from 0 to ``maximum`` into ``page``."""
    parts = _split_list(page.values.get(name, ""))
    if len(parts) > count:
        page.errors[name] = _("Give at most %(count)s numbers, separated by commas.") % {
            "count": count
        }
        return []

    numbers = []
    for part in parts:
        if not (part.isascii() and part.isdigit()) or int(part) > maximum:
            page.errors[name] = message % {"value": part[:40], "maximum": maximum}
            return []
        numbers.append(int(part))
    return list(dict.fromkeys(numbers))


def _read_steps(page: SchedulePage, total_steps: int) -> list[int]:
    message = _("Each step in “at” must be a whole number from 0 to %(maximum)s, got “%(value)s”.")
    return _read_index_list(page, "at", total_steps, MAX_AT_STEPS, message)


def read_encoding_page(
    query, defaults: dict[str, Any] = POSITIONAL_ENCODING_DEFAULTS
) -> EncodingPage:
    """Read and validate the positional-encoding form from a query dict."""
    if _is_first_visit(query, POSITIONAL_ENCODING_FIELDS):
        values = {name: defaults.get(name, "") for name in POSITIONAL_ENCODING_FIELDS}
    else:
        values = {name: query.get(name, "").strip() for name in POSITIONAL_ENCODING_FIELDS}
    page = EncodingPage(values=values)
    specs = positional_encoding_specs()
    _check_page_cap(page, "positions", PAGE_MAX_POSITIONS, specs)
    _check_page_cap(page, "d_model", PAGE_MAX_D_MODEL, specs)

    values = {name: page.values[name] for name in POSITIONAL_ENCODING_FIELDS if name != "dims"}
    try:
        page.params = validate_positional_encoding(values)
    except ParameterErrors as invalid:
        for param, error in invalid.errors.items():
            page.errors.setdefault(param, translate_parameter_error(error, values, specs))

    if page.params and not page.errors:
        message = _(
            "Each dimension in “dims” must be a whole number from 0 to %(maximum)s, "
            "got “%(value)s”."
        )
        maximum = page.params["d_model"] - 1
        page.dims = _read_index_list(page, "dims", maximum, MAX_DIMS, message)
    if page.errors:
        page.params = {}
    return page


def _schedule_choices() -> list[tuple[str, str]]:
    return [(name, f"{name} · {SCHEDULE_LABELS[name]}") for name in SCHEDULE_NAMES]


def _shared_placeholder(name: str, schedules: list[str]) -> str:
    """Describe the defaults a blank shared parameter takes for the selected schedules."""
    defaults = {
        schedule: SCHEDULES[schedule].param(name).default
        for schedule in schedules
        if any(spec.name == name for spec in SCHEDULES[schedule].params)
    }
    if any(default is None for default in defaults.values()) or not defaults:
        return _("automatic")
    if len(set(defaults.values())) == 1:
        return _("default %(value)s") % {"value": format_default(next(iter(defaults.values())))}
    listed = ", ".join(
        f"{schedule} {format_default(value)}" for schedule, value in defaults.items()
    )
    return _("default %(value)s") % {"value": listed}


def schedule_fields(page: SchedulePage) -> dict[str, list[FormField]]:
    """Return the learning-rate form's fields in groups: schedules, run, parameters, figures."""
    errors, values = page.errors, page.values
    specs = schedule_specs()
    selected = page.schedules

    schedule = spec_field(specs["schedule"], values["schedule"], errors.get("schedule", ""))
    schedule.choices = _schedule_choices()
    compare = FormField(
        name="compare",
        label=str(LABELS["compare"]),
        help=str(HELP["compare"]),
        allowed=_("up to %(count)s schedules") % {"count": MAX_COMPARED},
        error=errors.get("compare", ""),
        kind="compare",
        choices=[("", "—"), *_schedule_choices()],
        multiple_values=(page.compare + [""] * MAX_COMPARED)[:MAX_COMPARED],
    )

    run = [spec_field(specs[name], values[name], errors.get(name, "")) for name in COMMON_FIELDS]
    run[1].allowed = describe_allowed(replace(specs["total_steps"], maximum=PAGE_MAX_TOTAL_STEPS))
    run[2].allowed = _("a whole number from 0 to total_steps")

    parameters = []
    for name, spec in schedule_parameter_specs().items():
        field_ = spec_field(spec, values[name], errors.get(name, ""))
        field_.used_by = schedules_using(name)
        field_.hidden = not set(field_.used_by) & set(selected)
        if spec.choices is None:
            field_.placeholder = _shared_placeholder(name, selected or field_.used_by)
        elif not field_.value:
            field_.value = spec.default
        parameters.append(field_)

    at = FormField(
        name="at",
        label=str(LABELS["at"]),
        help=str(HELP["at"]) % {"count": MAX_AT_STEPS},
        allowed=_("steps from 0 to total_steps"),
        value=values["at"],
        error=errors.get("at", ""),
        placeholder="1000, 5000",
    )
    return {"schedules": [schedule, compare], "run": run, "parameters": parameters, "figures": [at]}


def encoding_fields(page: EncodingPage) -> list[FormField]:
    """Return the positional-encoding form's fields, with the page's size caps as ranges."""
    errors, values = page.errors, page.values
    specs = positional_encoding_specs()
    caps = {"positions": PAGE_MAX_POSITIONS, "d_model": PAGE_MAX_D_MODEL}

    fields = []
    for name in ("positions", "d_model", "base", "layout", "offset"):
        spec = replace(specs[name], maximum=caps[name]) if name in caps else specs[name]
        help_key = "pe_d_model" if name == "d_model" else name
        field_ = spec_field(spec, values[name], errors.get(name, ""), help_key=help_key)
        if name == "layout":
            field_.choices = [(choice, str(LAYOUT_LABELS[choice])) for choice in spec.choices]
            field_.value = field_.value or spec.default
        fields.append(field_)

    dims = FormField(
        name="dims",
        label=str(LABELS["dims"]),
        help=str(HELP["dims"]) % {"count": MAX_DIMS},
        allowed=_("column indices from 0 to d_model − 1"),
        value=values["dims"],
        error=errors.get("dims", ""),
        placeholder="0, 1, 20, 40",
    )
    return [*fields, dims]
