"""API endpoints of the calculators: learning-rate schedules and positional encodings.

Each view validates the query with :mod:`kb.calculators`, computes the result
and encodes it itself (orjson, CSV or ``.npy``), returning a plain
HttpResponse, because DRF's renderers would turn million-value arrays into
Python lists first. The views stay DRF APIViews so authentication, throttling
and the OpenAPI schema apply. Errors are raised as ValidationError and leave
through the project's exception handler as JSON, whatever ``format`` asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from kb.calculator_fields import positional_encoding_specs, schedule_specs
from kb.calculator_messages import translate_parameter_error
from kb.calculators import (
    MAX_JSON_VALUES,
    MAX_NPY_VALUES,
    SCHEDULES,
    ParameterErrors,
    ParameterSpec,
    downsample,
    lr_schedule,
    parse_positional_encoding_query,
    parse_schedule_query,
    positional_encoding,
)

from ..calculator_encoding import encode_json, matrix_csv, npy_size, schedule_csv, stream_npy
from ..calculator_schema import positional_encoding_schema, schedule_schema

SCHEDULE_FORMATS = ("json", "csv")
POSITIONAL_ENCODING_FORMATS = ("json", "csv", "npy")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "npy": "application/octet-stream",
}
INVALID_FORMAT = "invalid_choice"
REPEATED = "repeated"


class FirstRendererNegotiation(BaseContentNegotiation):
    """Select the view's first renderer (JSON, used for errors), ignoring Accept and ``?format=``.

    DRF's default negotiation reads ``?format=`` and returns 404 for a format
    without a renderer, but these views read ``format`` as an ordinary parameter.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CalculatorView(APIView):
    """Base of the calculator endpoints: open to everyone, JSON errors, own encoders."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # The error envelope lists messages per parameter. Add the stable codes
        # beside them, so programs need not parse translated sentences.
        error = response.data.get("error") if isinstance(response.data, dict) else None
        if isinstance(exc, ValidationError) and isinstance(error, dict):
            error["codes"] = exc.get_codes()
        return response


def _single_values(query) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Return the query's last value per name, and an error for each name given twice."""
    values, errors = {}, {}
    for name, given in query.lists():
        values[name] = given[-1]
        if len(given) > 1:
            message = _("%(param)s was given %(count)s times; give it once.") % {
                "param": name,
                "count": len(given),
            }
            errors[name] = (message, REPEATED)
    return values, errors


def _check_format(values: Mapping[str, str], allowed: tuple[str, ...], errors: dict) -> str:
    chosen = values.get("format") or "json"
    if chosen not in allowed:
        message = _("format must be one of %(choices)s, got “%(value)s”.") % {
            "choices": ", ".join(allowed),
            "value": chosen[:40],
        }
        errors["format"] = (message, INVALID_FORMAT)
    return chosen


def _parse(
    parse: Callable[[], object],
    values: Mapping[str, str],
    errors: dict[str, tuple[str, str]],
    specs: Mapping[str, ParameterSpec],
    schedule: str | None = None,
):
    """Run ``parse`` and raise every error of the request in the reader's language."""
    parsed = None
    try:
        parsed = parse()
    except ParameterErrors as invalid:
        for name, error in invalid.errors.items():
            message = translate_parameter_error(
                error, values, specs, schedule=schedule, also_allowed=("format",)
            )
            errors.setdefault(name, (message, error.code))
    if errors:
        raise ValidationError(
            {name: [ErrorDetail(message, code=code)] for name, (message, code) in errors.items()}
        )
    return parsed


def _encoded_response(content: bytes, output_format: str, filename: str = "") -> HttpResponse:
    """Wrap encoded bytes in a response; CSV and npy become downloads named ``filename``."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[output_format])
    if output_format != "json":
        response["Content-Disposition"] = f'attachment; filename="{filename}.{output_format}"'
    return response


def _streamed_npy_response(params: dict, filename: str) -> StreamingHttpResponse:
    """Send the encoding as .npy, computing it in blocks of rows as it is sent."""
    shape = (params["positions"], params["d_model"])

    def rows(start: int, count: int):
        block = {**params, "positions": count, "offset": params["offset"] + start}
        return positional_encoding(**block)

    response = StreamingHttpResponse(stream_npy(shape, rows), content_type=CONTENT_TYPES["npy"])
    response["Content-Length"] = str(npy_size(shape))
    response["Content-Disposition"] = f'attachment; filename="{filename}.npy"'
    return response


class LrScheduleView(CalculatorView):
    @schedule_schema
    def get(self, request):
        values, errors = _single_values(request.query_params)
        output_format = _check_format(values, SCHEDULE_FORMATS, errors)
        schedule = values.get("schedule")
        query = _parse(
            lambda: parse_schedule_query(values, max_values=MAX_JSON_VALUES, ignore=("format",)),
            values,
            errors,
            schedule_specs(schedule),
            schedule=schedule if schedule in SCHEDULES else None,
        )

        result = lr_schedule(**query.kwargs)
        steps, lr = result.steps, result.lr
        if query.points is not None:
            steps, lr = downsample(steps, lr, query.points)

        name = query.kwargs["name"]
        if output_format == "csv":
            return _encoded_response(schedule_csv(steps, lr), "csv", f"lr-schedule-{name}")
        params = {key: value for key, value in result.params.items() if key != "schedule"}
        payload = {
            "schedule": name,
            "params": params,
            "reference": SCHEDULES[name].reference,
            "peak": {"step": result.peak_step, "lr": result.peak_lr},
            "final_lr": result.final_lr,
            "steps": steps,
            "lr": lr,
        }
        return _encoded_response(encode_json(payload), "json")


class PositionalEncodingView(CalculatorView):
    @positional_encoding_schema
    def get(self, request):
        values, errors = _single_values(request.query_params)
        output_format = _check_format(values, POSITIONAL_ENCODING_FORMATS, errors)
        max_values = MAX_NPY_VALUES if output_format == "npy" else MAX_JSON_VALUES
        params = _parse(
            lambda: parse_positional_encoding_query(
                values, max_values=max_values, ignore=("format",)
            ),
            values,
            errors,
            positional_encoding_specs(),
        )

        filename = f"positional-encoding-{params['positions']}x{params['d_model']}"
        if output_format == "npy":
            return _streamed_npy_response(params, filename)
        matrix = positional_encoding(**params)
        if output_format == "csv":
            return _encoded_response(matrix_csv(matrix, params["offset"]), "csv", filename)
        payload = {"params": params, "shape": list(matrix.shape), "matrix": matrix}
        return _encoded_response(encode_json(payload), "json")
