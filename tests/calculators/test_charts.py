"""Tests of kb.charts: SVG structure, escaping, downsampling and the embedded PNG."""

import base64
import doctest
import importlib
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np
import pytest

from kb.calculators import lr_schedule, positional_encoding
from kb.charts import (
    _PALETTE,
    block_mean,
    decade_ticks,
    encode_png,
    escape_text,
    format_decade,
    format_tick,
    heatmap_svg,
    line_chart_svg,
    nice_ticks,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def decode_png(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Decode an 8-bit indexed PNG without filters; return (levels, palette)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks = {}
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks[kind] = body
        offset += 12 + length

    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color_type) == (8, 3)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    palette = np.frombuffer(chunks[b"PLTE"], dtype=np.uint8).reshape(-1, 3)
    return rows[:, 1 : width + 1], palette


def embedded_pngs(svg: str) -> list[bytes]:
    return [
        base64.b64decode(match)
        for match in re.findall(r'href="data:image/png;base64,([^"]+)"', svg)
    ]


def schedule_series(*names: str):
    series = []
    for name in names:
        result = lr_schedule(name, base_lr=1e-3, total_steps=1000, warmup_steps=100)
        series.append((name, result.steps, result.lr))
    return series


def test_line_chart_is_valid_svg_with_legend():
    svg = line_chart_svg(
        schedule_series("cosine", "linear"),
        x_label="Step",
        y_label="Learning rate",
        title="Schedules",
    )
    root = parse(svg)

    assert len(root.findall(f"{SVG}g/{SVG}polyline")) == 2
    assert "cosine" in texts(root)
    assert "linear" in texts(root)
    assert "Step" in texts(root)
    assert "Learning rate" in texts(root)
    assert root.find(f"{SVG}title").text == "Schedules"


def test_line_chart_escapes_all_text():
    name = "warmup <b>\"fast\"</b> & 'slow'\x01"
    svg = line_chart_svg(
        [(name, np.arange(3), np.arange(3.0))],
        x_label="x < y",
        y_label="a & b",
        title="<script>alert(1)</script>",
    )
    root = parse(svg)

    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "warmup <b>\"fast\"</b> & 'slow'" in texts(root)
    assert "x < y" in texts(root)
    assert "a & b" in texts(root)


def test_legend_leaves_room_for_chinese_names():
    names = ["从位置 0 起的点积", "从位置 64 起的点积"]
    series = [(name, np.arange(3), np.arange(3.0)) for name in names]

    root = parse(line_chart_svg(series, x_label="距离", y_label="点积", width=720))
    legend = [element for element in root.iter(f"{SVG}text") if element.text in names]
    first_end = float(legend[0].get("x")) + text_width(names[0])

    assert float(legend[1].get("x")) > first_end


def test_escape_text_drops_characters_xml_forbids():
    assert escape_text("a\x00b\x1fc\td") == "abc\td"
    assert escape_text("<&>\"'") == "&lt;&amp;&gt;&quot;&#x27;"


def test_line_chart_downsamples_long_series():
    result = lr_schedule(
        "cosine_with_restarts", base_lr=1.0, total_steps=1_000_000, warmup_steps=1000, num_cycles=4
    )

    svg = line_chart_svg(
        [("restarts", result.steps, result.lr)], x_label="Step", y_label="Learning rate"
    )
    points = parse(svg).find(f"{SVG}g/{SVG}polyline").get("points").split()

    assert len(points) <= 800
    assert len(svg) < 60_000


def test_line_chart_keeps_the_peak():
    xs = np.arange(100_000)
    ys = np.zeros(100_000)
    ys[54_321] = 1.0

    svg = line_chart_svg([("spike", xs, ys)], x_label="Step", y_label="Value", height=300)
    points = parse(svg).find(f"{SVG}g/{SVG}polyline").get("points").split()
    heights = [float(point.split(",")[1]) for point in points]

    assert min(heights) < max(heights) - 100


def test_line_chart_skips_non_finite_points():
    ys = np.array([0.0, np.nan, 1.0, np.inf, 0.5])

    svg = line_chart_svg([("gappy", np.arange(5), ys)], x_label="Step", y_label="Value")
    points = parse(svg).find(f"{SVG}g/{SVG}polyline").get("points").split()

    assert len(points) == 3
    assert "nan" not in svg
    assert "inf" not in svg


def test_line_chart_without_series_still_draws_axes():
    root = parse(line_chart_svg([], x_label="Step", y_label="Value"))

    assert root.findall(f"{SVG}g/{SVG}polyline") == []
    assert "Step" in texts(root)


def test_line_chart_styles_work_in_dark_mode():
    svg = line_chart_svg(schedule_series("linear"), x_label="Step", y_label="Learning rate")

    assert "prefers-color-scheme: dark" in svg
    assert 'fill="currentColor"' in svg
    assert 'class="kb-chart-s0"' in svg
    assert "#000" not in svg


def test_line_chart_without_inline_style():
    svg = line_chart_svg(
        schedule_series("linear"), x_label="Step", y_label="Learning rate", inline_style=False
    )

    assert "<style" not in svg
    assert "style=" not in svg
    assert 'class="kb-chart-s0"' in svg


def test_site_css_styles_every_series_class():
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark) { .kb-chart")

    for index, (light_color, dark_color) in enumerate(_PALETTE):
        assert f".kb-chart .kb-chart-s{index} {{ stroke: {light_color}; }}" in light
        assert f".kb-chart-s{index} {{ stroke: {dark_color}; }}" in dark


def test_line_chart_log_scale_ticks_decades():
    xs = np.arange(4)
    ys = np.array([6.28, 62.8, 628.0, 0.0])

    root = parse(
        line_chart_svg([("wavelength", xs, ys)], x_label="Pair", y_label="Positions", log_y=True)
    )
    points = root.find(f"{SVG}g/{SVG}polyline").get("points").split()
    heights = [float(point.split(",")[1]) for point in points]

    assert len(points) == 3
    assert heights[0] - heights[1] == pytest.approx(heights[1] - heights[2], abs=0.02)
    assert {"1", "10", "100", "1k"} <= set(texts(root))


def test_line_chart_dashes_chosen_series():
    svg = line_chart_svg(
        schedule_series("linear", "cosine"), x_label="Step", y_label="Learning rate", dashed={1}
    )
    polylines = parse(svg).findall(f"{SVG}g/{SVG}polyline")

    assert polylines[0].get("stroke-dasharray") is None
    assert polylines[1].get("stroke-dasharray") == "7 5"


@pytest.mark.parametrize(
    "low, high, expected",
    [
        (0.8, 4.2, [0, 1, 2, 3, 4, 5]),
        (2.0, 2.0, [2, 3]),
        (-7.5, 3.1, [-8, -6, -4, -2, 0, 2, 4]),
    ],
)
def test_decade_ticks_cover_range(low, high, expected):
    assert decade_ticks(low, high).tolist() == expected


@pytest.mark.parametrize(
    "exponent, expected",
    [(-5, "1e-5"), (-1, "0.1"), (0, "1"), (2, "100"), (4, "10k"), (8, "100M"), (9, "1e9")],
)
def test_format_decade_is_compact(exponent, expected):
    assert format_decade(exponent) == expected


def test_line_chart_rejects_mismatched_arrays():
    with pytest.raises(ValueError):
        line_chart_svg([("bad", np.arange(3), np.arange(4.0))], x_label="x", y_label="y")


def test_heatmap_embeds_png_of_matrix():
    matrix = np.array([[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]])

    svg = heatmap_svg(matrix, x_label="Dimension", y_label="Position", value_label="PE")
    matrix_png, bar_png = embedded_pngs(svg)
    levels, palette = decode_png(matrix_png)

    assert levels.tolist() == [[0, 128, 255], [255, 128, 0]]
    assert palette.shape == (256, 3)
    assert palette[0].tolist() == [0x3B, 0x4C, 0xC0]
    assert palette[255].tolist() == [0xB4, 0x04, 0x26]
    assert decode_png(bar_png)[0].shape == (256, 1)
    assert "PE" in texts(parse(svg))


def test_heatmap_of_large_matrix_stays_small():
    svg = heatmap_svg(positional_encoding(4096, 1024), x_label="Dimension", y_label="Position")
    levels, _ = decode_png(embedded_pngs(svg)[0])

    assert levels.shape == (512, 512)
    assert len(svg) < 300_000


def test_heatmap_without_inline_style():
    svg = heatmap_svg(np.eye(3), x_label="x", y_label="y", inline_style=False)

    assert "style=" not in svg
    assert "<style" not in svg
    assert 'class="kb-chart-pixels"' in svg


def test_heatmap_value_range_clips():
    svg = heatmap_svg(
        np.array([[0.0, 5.0, 10.0]]),
        x_label="x",
        y_label="y",
        colormap="sequential",
        value_range=(2.0, 6.0),
    )
    levels, _ = decode_png(embedded_pngs(svg)[0])

    assert levels.tolist() == [[0, 191, 255]]


def test_heatmap_index_ticks_are_integers():
    root = parse(
        heatmap_svg(
            positional_encoding(50, 16), x_label="Dimension", y_label="Position", y_start=100
        )
    )
    # Axis tick labels are centred (x) or right-aligned (y); colour bar labels are not.
    labels = [
        element.text
        for element in root.iter(f"{SVG}text")
        if element.get("text-anchor") in ("middle", "end") and element.text[0].isdigit()
    ]

    assert "100" in labels
    assert all("." not in label for label in labels)


@pytest.mark.parametrize("matrix", [np.zeros(3), np.zeros((0, 4)), np.array([[0.0, np.nan]])])
def test_heatmap_rejects_invalid_matrix(matrix):
    with pytest.raises(ValueError):
        heatmap_svg(matrix, x_label="x", y_label="y")


def test_heatmap_rejects_unknown_colormap():
    with pytest.raises(ValueError):
        heatmap_svg(np.eye(2), x_label="x", y_label="y", colormap="jet")


def test_block_mean_averages_uneven_blocks():
    matrix = np.arange(35.0).reshape(5, 7)

    reduced = block_mean(matrix, 2, 3)

    assert reduced.shape == (2, 3)
    assert reduced[0, 0] == matrix[:3, :3].mean()
    assert reduced[1, 2] == matrix[3:, 6:].mean()


def test_block_mean_leaves_small_matrix_alone():
    matrix = np.ones((4, 4))

    assert block_mean(matrix, 512, 512) is matrix


def test_encode_png_rejects_rgb_input():
    with pytest.raises(ValueError):
        encode_png(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((256, 3), dtype=np.uint8))


@pytest.mark.parametrize(
    "low, high, expected",
    [
        (0.0, 0.00097, [0.0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]),
        (0.0, 1_000_000.0, [0.0, 200_000.0, 400_000.0, 600_000.0, 800_000.0, 1_000_000.0]),
        (-1.0, 1.0, [-1.0, -0.5, 0.0, 0.5, 1.0]),
        (0.3, 0.7, [0.3, 0.4, 0.5, 0.6, 0.7]),
    ],
)
def test_nice_ticks_cover_range(low, high, expected):
    assert nice_ticks(low, high).tolist() == expected


def test_nice_ticks_of_equal_bounds_widen():
    ticks = nice_ticks(5.0, 5.0)

    assert ticks[0] < 5.0 < ticks[-1]


@pytest.mark.parametrize(
    "ticks, expected",
    [
        ([0.0, 2e-4, 4e-4], ["0", "2e-4", "4e-4"]),
        ([0.0, 2.5e-5, 5e-5], ["0", "2.5e-5", "5e-5"]),
        ([0.0, 250_000.0, 500_000.0], ["0", "250k", "500k"]),
        ([0.0, 1.5e6, 3e6], ["0", "1.5M", "3M"]),
        ([0.0, 0.25, 0.5], ["0", "0.25", "0.5"]),
        ([0.0, 20.0, 40.0], ["0", "20", "40"]),
        ([-1.0, 0.0, 1.0], ["-1", "0", "1"]),
    ],
)
def test_format_tick_is_compact(ticks, expected):
    array = np.array(ticks)

    assert [format_tick(value, array) for value in ticks] == expected


def test_docstring_examples_pass():
    results = doctest.testmod(importlib.import_module("kb.charts"))

    assert results.attempted > 0
    assert results.failed == 0
