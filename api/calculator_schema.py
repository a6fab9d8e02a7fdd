"""OpenAPI description of the calculator endpoints, built from the engine's parameter specs.

Every query parameter gets its type, range, default, choices and description
from ``describe_schedule_parameters()`` or
``describe_positional_encoding_parameters()``, so the schema cannot drift from
the validation.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from kb.calculators import (
    MAX_JSON_VALUES,
    MAX_NPY_VALUES,
    SCHEDULE_NAMES,
    describe_positional_encoding_parameters,
    describe_schedule_parameters,
)

from .schema import error_responses

TAG = "calculators"


def _value_schema(entry: dict[str, Any]) -> dict[str, Any]:
    """Return the JSON Schema (OpenAPI 3.0 dialect) of one described parameter."""
    schema: dict[str, Any] = {"type": entry["type"]}
    if entry["choices"] is not None:
        schema["enum"] = list(entry["choices"])
    if entry["minimum"] is not None:
        schema["minimum"] = entry["minimum"]
        if entry["exclusive_minimum"]:
            schema["exclusiveMinimum"] = True
    if entry["maximum"] is not None:
        schema["maximum"] = entry["maximum"]
        if entry["exclusive_maximum"]:
            schema["exclusiveMaximum"] = True
    if entry["even"]:
        schema["multipleOf"] = 2

    default = _shared_default(entry)
    if default is not None:
        schema["default"] = default
    return schema


def _shared_default(entry: dict[str, Any]) -> Any:
    """Return the parameter's default when every schedule using it has the same one."""
    if entry.get("defaults") is None:
        return entry["default"]
    defaults = set(entry["defaults"].values())
    return defaults.pop() if len(defaults) == 1 else None


def _description(entry: dict[str, Any]) -> str:
    parts = [entry["description"]]
    if entry["unit"]:
        parts.append(f"Unit: {entry['unit']}.")
    if entry.get("used_by"):
        parts.append(f"Used by: {', '.join(entry['used_by'])}.")
        defaults = entry["defaults"]
        if len(set(defaults.values())) > 1:
            listed = ", ".join(
                f"{name} {value}" for name, value in defaults.items() if value is not None
            )
            parts.append(f"Defaults: {listed}.")
    if entry["default_description"]:
        parts.append(f"Default: {entry['default_description']}.")
    return " ".join(parts)


def _parameter(entry: dict[str, Any]) -> OpenApiParameter:
    return OpenApiParameter(
        entry["name"],
        type=_value_schema(entry),
        required=entry["required"],
        description=_description(entry),
    )


def _format_parameter(choices: tuple[str, ...], description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "format",
        type={"type": "string", "enum": list(choices), "default": "json"},
        description=description,
    )


# NOTE: this describes the body of the project's JSON error envelope handler
# (REST_FRAMEWORK["EXCEPTION_HANDLER"]) plus the codes CalculatorView adds. Without
# that handler, DRF's default one returns only the "fields" mapping, unwrapped.
ERROR = inline_serializer(
    name="CalculatorError",
    fields={
        "error": inline_serializer(
            name="CalculatorErrorDetail",
            fields={
                "code": serializers.CharField(help_text="invalid for every 400."),
                "message": serializers.CharField(
                    help_text="Sentence for people, in the language of Accept-Language."
                ),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    help_text="Messages per invalid parameter; each names the allowed range.",
                ),
                "codes": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    help_text=(
                        "Stable codes per invalid parameter: required, not_a_number, "
                        "not_an_integer, not_finite, out_of_range, not_even, invalid_choice, "
                        "unknown_parameter, not_applicable, invalid_combination, too_large, "
                        "repeated."
                    ),
                ),
            },
        )
    },
)

BAD_REQUEST = OpenApiResponse(
    ERROR,
    description=(
        "Invalid parameters: a value of the wrong type, out of its range, an unknown "
        "name, or an output larger than the format's cap. Always JSON."
    ),
)

# Raised before the view runs: an invalid token (401) and the rate limit (429).
COMMON_ERRORS = {
    (status, "application/json"): response for status, response in error_responses(401, 429).items()
}

LR_SCHEDULE = inline_serializer(
    name="LrSchedule",
    fields={
        "schedule": serializers.ChoiceField(choices=SCHEDULE_NAMES),
        "params": serializers.DictField(
            help_text="Effective parameters, with every default filled in."
        ),
        "reference": serializers.CharField(help_text="Library function whose values it follows."),
        "peak": inline_serializer(
            name="LrSchedulePeak",
            fields={"step": serializers.IntegerField(), "lr": serializers.FloatField()},
        ),
        "final_lr": serializers.FloatField(),
        "steps": serializers.ListField(child=serializers.IntegerField()),
        "lr": serializers.ListField(
            child=serializers.FloatField(), help_text="Learning rate at each of steps."
        ),
    },
)

POSITIONAL_ENCODING = inline_serializer(
    name="PositionalEncoding",
    fields={
        "params": serializers.DictField(
            help_text="Effective parameters, with every default filled in."
        ),
        "shape": serializers.ListField(
            child=serializers.IntegerField(), help_text="[positions, d_model]"
        ),
        "matrix": serializers.ListField(
            child=serializers.ListField(child=serializers.FloatField()),
            help_text="One row per position, d_model values each.",
        ),
    },
)

# OpenAPI gives one description per status code, shared by all its media types.
SCHEDULE_OK = (
    "The schedule: JSON by default; with format=csv a CSV download with the header "
    "step,lr and one row per step."
)
POSITIONAL_ENCODING_OK = (
    "The matrix: JSON by default; with format=csv a CSV download with the header "
    "position,dim_0,... and one row per position; with format=npy NumPy's .npy file "
    "of the float64 matrix."
)

schedule_schema = extend_schema(
    operation_id="calculators_lr_schedule",
    tags=[TAG],
    summary="Learning-rate schedule",
    description=(
        "Learning rate at every optimizer step 0..total_steps, with the semantics and "
        "values (relative error at most 1e-9) of the Hugging Face transformers or PyTorch "
        "scheduler named in `reference`. `points` reduces the series while keeping the "
        f"first and last steps and every peak. JSON and CSV hold at most {MAX_JSON_VALUES} "
        "points: longer runs need `points`."
    ),
    parameters=[
        *(_parameter(entry) for entry in describe_schedule_parameters()),
        _format_parameter(("json", "csv"), "json, or csv with the header step,lr."),
    ],
    responses={
        (200, "application/json"): OpenApiResponse(LR_SCHEDULE, description=SCHEDULE_OK),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=SCHEDULE_OK),
        (400, "application/json"): BAD_REQUEST,
        **COMMON_ERRORS,
    },
)

positional_encoding_schema = extend_schema(
    operation_id="calculators_positional_encoding",
    tags=[TAG],
    summary="Sinusoidal positional encoding",
    description=(
        "The matrix PE(pos, 2i) = sin(pos / base^(2i/d_model)), "
        "PE(pos, 2i+1) = cos(pos / base^(2i/d_model)) for positions offset..offset+positions-1. "
        f"JSON and CSV hold at most {MAX_JSON_VALUES} values (positions × d_model); "
        f"npy, NumPy's binary format for np.load, at most {MAX_NPY_VALUES}."
    ),
    parameters=[
        *(_parameter(entry) for entry in describe_positional_encoding_parameters()),
        _format_parameter(
            ("json", "csv", "npy"),
            "json; csv with the header position,dim_0,...; or npy (float64, for np.load).",
        ),
    ],
    responses={
        (200, "application/json"): OpenApiResponse(
            POSITIONAL_ENCODING, description=POSITIONAL_ENCODING_OK
        ),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=POSITIONAL_ENCODING_OK),
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description=POSITIONAL_ENCODING_OK
        ),
        (400, "application/json"): BAD_REQUEST,
        **COMMON_ERRORS,
    },
)
