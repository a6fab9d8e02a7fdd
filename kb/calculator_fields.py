"""Calculator parameters as the web shows them: specs by name, labels, units and help.

The specs come from :mod:`kb.calculators.params`; this module adds the
translated text the pages and the API's error messages need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .calculator_messages import describe_allowed
from .calculators.params import (
    COMMON_SCHEDULE_PARAMS,
    POINTS,
    POSITIONAL_ENCODING_PARAMS,
    SCHEDULES,
    ParameterSpec,
)


def schedule_specs(schedule: str | None = None) -> dict[str, ParameterSpec]:
    """Return the specs of the common schedule parameters, ``points`` and ``schedule``'s own.

    An unknown or missing ``schedule`` gives the common parameters and ``points`` only.
    """
    specs = {spec.name: spec for spec in (*COMMON_SCHEDULE_PARAMS, POINTS)}
    if schedule in SCHEDULES:
        specs.update((spec.name, spec) for spec in SCHEDULES[schedule].params)
    return specs


def schedule_parameter_specs() -> dict[str, ParameterSpec]:
    """Return one spec per schedule-specific parameter name, from the first schedule using it.

    Parameters of the same name have the same type and range in every
    schedule; only their defaults and descriptions differ.
    """
    specs: dict[str, ParameterSpec] = {}
    for schedule in SCHEDULES.values():
        for spec in schedule.params:
            specs.setdefault(spec.name, spec)
    return specs


def positional_encoding_specs() -> dict[str, ParameterSpec]:
    return {spec.name: spec for spec in POSITIONAL_ENCODING_PARAMS}


def schedules_using(name: str) -> list[str]:
    """Return the names of the schedules that take the parameter ``name``."""
    return [
        schedule.name
        for schedule in SCHEDULES.values()
        if any(spec.name == name for spec in schedule.params)
    ]


LABELS = {
    "schedule": gettext_lazy("Schedule"),
    "compare": gettext_lazy("Compare with"),
    "base_lr": gettext_lazy("Base learning rate"),
    "total_steps": gettext_lazy("Total steps"),
    "warmup_steps": gettext_lazy("Warmup steps"),
    "num_cycles": gettext_lazy("Cosine cycles"),
    "min_lr_ratio": gettext_lazy("Minimum rate ratio"),
    "power": gettext_lazy("Decay power"),
    "lr_end": gettext_lazy("Final rate"),
    "timescale": gettext_lazy("Timescale"),
    "num_stable_steps": gettext_lazy("Stable steps"),
    "num_decay_steps": gettext_lazy("Decay steps"),
    "decay_type": gettext_lazy("Decay shape"),
    "warmup_type": gettext_lazy("Warmup shape"),
    "step_size": gettext_lazy("Step size"),
    "gamma": gettext_lazy("Decay factor gamma"),
    "pct_start": gettext_lazy("Rising fraction"),
    "div_factor": gettext_lazy("Initial divisor"),
    "final_div_factor": gettext_lazy("Final divisor"),
    "anneal_strategy": gettext_lazy("Annealing shape"),
    "d_model": gettext_lazy("Model width"),
    "at": gettext_lazy("Rate at steps"),
    "positions": gettext_lazy("Positions"),
    "base": gettext_lazy("Base"),
    "layout": gettext_lazy("Column layout"),
    "offset": gettext_lazy("First position"),
    "dims": gettext_lazy("Dimensions to plot"),
}

UNITS = {
    "steps": gettext_lazy("steps"),
    "cycles": gettext_lazy("cycles"),
    "points": gettext_lazy("points"),
    "dimensions": gettext_lazy("dimensions"),
    "positions": gettext_lazy("positions"),
}

HELP = {
    "schedule": gettext_lazy("The schedule whose figures and code are shown."),
    "compare": gettext_lazy(
        "Other schedules drawn on the same chart. They share every parameter of the "
        "same name; a blank field gives each schedule its own default."
    ),
    "base_lr": gettext_lazy(
        "Learning rate set in the optimizer: the peak rate of most schedules, "
        "the scale factor of noam."
    ),
    "total_steps": gettext_lazy(
        "Optimizer steps in the run; the rate is computed for steps 0 to total_steps."
    ),
    "warmup_steps": gettext_lazy(
        "Steps of linear warmup from 0 to the base rate. Schedules whose library "
        "scheduler has no warmup (constant, step, exponential, one_cycle) ignore it."
    ),
    "num_cycles": gettext_lazy(
        "Cosine waves after warmup. cosine: 0.5 decays once; "
        "cosine_with_restarts: the number of decays, each restarting at the base rate."
    ),
    "min_lr_ratio": gettext_lazy("Lowest rate as a fraction of the base rate."),
    "power": gettext_lazy("Exponent of the polynomial decay; 1 is linear."),
    "lr_end": gettext_lazy("Rate reached at the last step; less than the base rate."),
    "timescale": gettext_lazy(
        "Steps over which the rate falls as 1/sqrt. Blank: warmup_steps, or 10000 without warmup."
    ),
    "num_stable_steps": gettext_lazy(
        "Steps held at the base rate after warmup. Blank: the steps left after warmup and decay."
    ),
    "num_decay_steps": gettext_lazy(
        "Steps of the final decay. Blank: the steps left after warmup and the stable "
        "phase, or a tenth of the run."
    ),
    "decay_type": gettext_lazy("Shape of the final decay."),
    "warmup_type": gettext_lazy("Shape of the warmup."),
    "step_size": gettext_lazy(
        "Steps between two multiplications by gamma. Blank: a third of the run."
    ),
    "gamma": gettext_lazy(
        "step: factor applied every step_size steps. exponential: factor applied at "
        "every step; blank makes the last rate 0.01 × the base rate."
    ),
    "pct_start": gettext_lazy("Fraction of the run spent raising the rate."),
    "div_factor": gettext_lazy("The first rate is the base rate divided by this."),
    "final_div_factor": gettext_lazy("The last rate is the first rate divided by this."),
    "anneal_strategy": gettext_lazy("Shape of both phases."),
    "d_model": gettext_lazy("Model width; noam scales the rate by d_model ** -0.5."),
    "at": gettext_lazy("Up to %(count)s step numbers, separated by commas."),
    "positions": gettext_lazy("Number of positions, one matrix row each."),
    "pe_d_model": gettext_lazy("Model width: the number of matrix columns, an even number."),
    "base": gettext_lazy("Constant under the exponent; wavelengths run from 2π to 2π × base."),
    "layout": gettext_lazy("Order of the columns."),
    "offset": gettext_lazy("Position of the first row."),
    "dims": gettext_lazy("Up to %(count)s column indices, separated by commas."),
}

SCHEDULE_LABELS = {
    "constant": gettext_lazy("constant rate"),
    "constant_with_warmup": gettext_lazy("constant after warmup"),
    "linear": gettext_lazy("linear decay"),
    "cosine": gettext_lazy("cosine decay"),
    "cosine_with_restarts": gettext_lazy("cosine with hard restarts"),
    "polynomial": gettext_lazy("polynomial decay"),
    "inverse_sqrt": gettext_lazy("inverse square root"),
    "warmup_stable_decay": gettext_lazy("warmup, stable, decay"),
    "step": gettext_lazy("step decay"),
    "exponential": gettext_lazy("exponential decay"),
    "one_cycle": gettext_lazy("one cycle"),
    "noam": gettext_lazy("Transformer paper (noam)"),
}

LAYOUT_LABELS = {
    "interleaved": gettext_lazy("interleaved: sin, cos, sin, cos, …"),
    "concatenated": gettext_lazy("concatenated: all sines, then all cosines"),
}


@dataclass
class FormField:
    """One input of a calculator form, with its value and error as the page shows them.

    ``value`` is the raw text from the URL, so an invalid entry is shown back
    unchanged. ``placeholder`` shows the default a blank field takes.
    """

    name: str
    label: str
    help: str
    allowed: str
    value: str = ""
    error: str = ""
    unit: str = ""
    kind: str = "text"
    choices: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""
    inputmode: str = ""
    used_by: list[str] = field(default_factory=list)
    hidden: bool = False
    multiple_values: list[str] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return f"calc-{self.name}"


def spec_field(
    spec: ParameterSpec, value: str, error: str = "", help_key: str | None = None
) -> FormField:
    """Build the form field of one parameter spec."""
    unit = str(UNITS.get(spec.unit, spec.unit or ""))
    if spec.choices is not None:
        choices = [(choice, choice) for choice in spec.choices]
        kind = "select"
    else:
        choices, kind = [], "text"

    placeholder = ""
    if spec.default is not None and spec.choices is None:
        placeholder = _("default %(value)s") % {"value": format_default(spec.default)}
    elif spec.default_description is not None:
        placeholder = _("automatic")

    return FormField(
        name=spec.name,
        label=str(LABELS.get(spec.name, spec.name)),
        help=str(HELP.get(help_key or spec.name, "")),
        allowed=describe_allowed(spec),
        value=value,
        error=error,
        unit=unit,
        kind=kind,
        choices=choices,
        placeholder=placeholder,
        inputmode="numeric" if spec.type == "integer" else "",
    )


def format_default(value: object) -> str:
    """Format a default for a placeholder: 10000.0 as 10000, other values as str()."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
