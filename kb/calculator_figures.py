"""Charts, key figures, code and download links of the calculator pages.

The functions take a validated form (:mod:`kb.calculator_forms`), compute
with :mod:`kb.calculators` and draw with :mod:`kb.charts`. Charts are drawn
without inline styles, for the site's content security policy; site.css
colours their series.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse
from django.utils.translation import gettext as _

from .calculator_forms import EncodingPage, SchedulePage
from .calculator_snippets import highlight_python, positional_encoding_snippet, schedule_snippet
from .calculators import (
    MAX_JSON_VALUES,
    SCHEDULES,
    dot_product_by_distance,
    lr_schedule,
    position_dot_products,
    positional_encoding,
    wavelengths,
)
from .charts import MAX_IMAGE_PIXELS, heatmap_svg, line_chart_svg

GRAM_POSITIONS = 256
"""Rows of the position-by-position dot-product heatmap; the cost grows as rows² × d_model."""


def format_number(value: float) -> str:
    """Format a rate or dot product with six significant digits: 0.0003, 2.5e-5, 64."""
    text = f"{value:.6g}"
    return text.replace("e-0", "e-").replace("e+0", "e+")


@dataclass
class ScheduleRow:
    """Key figures of one schedule for the figures table."""

    name: str
    reference: str
    peak_step: int
    peak_lr: str
    final_lr: str
    at: list[str]
    ignores_warmup: bool


def schedule_output(page: SchedulePage, *, width: int = 720, height: int = 380) -> dict:
    """Compute every schedule of a valid page and return the template context of its output."""
    results = [(series, lr_schedule(**series.kwargs)) for series in page.series]
    rows = [
        ScheduleRow(
            name=series.name,
            reference=SCHEDULES[series.name].reference,
            peak_step=result.peak_step,
            peak_lr=format_number(result.peak_lr),
            final_lr=format_number(result.final_lr),
            at=[format_number(float(result.lr[step])) for step in page.at],
            ignores_warmup=series.ignores_warmup,
        )
        for series, result in results
    ]
    chart = line_chart_svg(
        [(_series_label(series), result.steps, result.lr) for series, result in results],
        x_label=_("Optimizer step"),
        y_label=_("Learning rate"),
        width=width,
        height=height,
        inline_style=False,
    )
    main = page.series[0]
    return {
        "chart": chart,
        "rows": rows,
        "at": page.at,
        "snippet": highlight_python(schedule_snippet(main.name, main.params)),
        "csv_url": _schedule_csv_url(main.params),
        "csv_points": MAX_JSON_VALUES if main.params["total_steps"] + 1 > MAX_JSON_VALUES else None,
    }


def _series_label(series) -> str:
    if series.ignores_warmup:
        return _("%(schedule)s (no warmup)") % {"schedule": series.name}
    return series.name


def _schedule_csv_url(params: dict) -> str:
    """Return the API's CSV address for the schedule, downsampled only when over the CSV cap."""
    query = {
        key: repr(value) if isinstance(value, float) else value for key, value in params.items()
    }
    if params["total_steps"] + 1 > MAX_JSON_VALUES:
        query["points"] = MAX_JSON_VALUES
    query["format"] = "csv"
    return f"{reverse('api:calculator-lr-schedule')}?{urlencode(query)}"


def _dimension_label(dimension: int, d_model: int, layout: str) -> str:
    """Name a column by its function and pair: "4 (sin, i=2)"."""
    pairs = d_model // 2
    if layout == "interleaved":
        function, pair = ("sin", "cos")[dimension % 2], dimension // 2
    else:
        function, pair = ("sin", "cos")[dimension // pairs], dimension % pairs
    return f"{dimension} ({function}, i={pair})"


def encoding_output(page: EncodingPage, *, compact: bool = False) -> dict:
    """Compute the matrix of a valid page and return the template context of its charts."""
    params = page.params
    matrix = positional_encoding(**params)
    positions, d_model = matrix.shape
    offset = params["offset"]
    output = {
        "heatmap": heatmap_svg(
            matrix,
            x_label=_("Dimension (column)"),
            y_label=_("Position"),
            value_label=_("Encoding value"),
            y_start=offset,
            height=380 if compact else 480,
            inline_style=False,
        ),
        "averaged": positions > MAX_IMAGE_PIXELS or d_model > MAX_IMAGE_PIXELS,
        "dims_chart": _dims_chart(matrix, params, page.dims),
    }
    if compact:
        return output

    distance_chart, deviation = _distance_chart(matrix, params)
    wavelength = wavelengths(d_model, params["base"])
    api = reverse("api:calculator-positional-encoding")
    query = {**params, "base": repr(params["base"])}
    output.update(
        {
            "distance_chart": distance_chart,
            "deviation": format_number(deviation),
            "gram_heatmap": _gram_heatmap(matrix, offset),
            "gram_positions": min(positions, GRAM_POSITIONS),
            "wavelength_chart": _wavelength_chart(wavelength),
            "shortest_wavelength": format_number(float(wavelength[0])),
            "longest_wavelength": format_number(float(wavelength[-1])),
            "snippet": highlight_python(positional_encoding_snippet(params)),
            "csv_url": (
                f"{api}?{urlencode({**query, 'format': 'csv'})}"
                if matrix.size <= MAX_JSON_VALUES
                else None
            ),
            "npy_url": f"{api}?{urlencode({**query, 'format': 'npy'})}",
        }
    )
    return output


def _dims_chart(matrix: np.ndarray, params: dict, dims: list[int]) -> str:
    position = np.arange(params["offset"], params["offset"] + matrix.shape[0])
    series = [
        (_dimension_label(dim, params["d_model"], params["layout"]), position, matrix[:, dim])
        for dim in dims
    ]
    return line_chart_svg(
        series,
        x_label=_("Position"),
        y_label=_("Encoding value"),
        height=320,
        include_zero=False,
        inline_style=False,
    )


def _distance_chart(matrix: np.ndarray, params: dict) -> tuple[str, float]:
    """Draw the dot product against distance: the formula and two measured starting rows.

    Returns the chart and the largest difference between the measured curves and
    the formula, which is rounding error because the dot product depends only on
    the distance.
    """
    positions = matrix.shape[0]
    distances, formula = dot_product_by_distance(
        positions - 1, params["d_model"], base=params["base"]
    )
    series = [(_("formula Σ cos(k / timescale)"), distances, formula)]
    deviation = 0.0
    for row in dict.fromkeys((0, positions // 2)):
        measured = matrix[row:] @ matrix[row]
        label = _("from position %(position)s") % {"position": params["offset"] + row}
        series.append((label, distances[: measured.size], measured))
        deviation = max(deviation, float(np.max(np.abs(measured - formula[: measured.size]))))

    chart = line_chart_svg(
        series,
        x_label=_("Distance k between positions"),
        y_label=_("Dot product"),
        height=320,
        dashed=range(1, len(series)),
        inline_style=False,
    )
    return chart, deviation


def _gram_heatmap(matrix: np.ndarray, offset: int) -> str:
    rows = matrix[:GRAM_POSITIONS]
    return heatmap_svg(
        position_dot_products(rows),
        x_label=_("Position"),
        y_label=_("Position"),
        value_label=_("Dot product"),
        x_start=offset,
        y_start=offset,
        width=560,
        height=480,
        colormap="sequential",
        inline_style=False,
    )


def _wavelength_chart(wavelength: np.ndarray) -> str:
    pairs = np.arange(wavelength.size)
    return line_chart_svg(
        [(_("wavelength 2π · base^(2i/d_model)"), pairs, wavelength)],
        x_label=_("Dimension pair i"),
        y_label=_("Wavelength (positions, log scale)"),
        height=320,
        log_y=True,
        inline_style=False,
    )
