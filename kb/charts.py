"""Server-side SVG charts for the calculators, in pure Python and NumPy.

Charts are drawn as standalone SVG strings so pages show them without
JavaScript. Text and axes use ``currentColor``, so an inline SVG takes the
page's text colour. Series colours come from CSS classes in a ``<style>``
block, with a lighter palette under ``prefers-color-scheme: dark``. The classes
are prefixed ``kb-chart`` because a ``<style>`` inside inline SVG applies to
the whole page. Pages served under a content security policy without
``'unsafe-inline'`` pass ``inline_style=False``: the chart then has no
``<style>`` element and no ``style`` attribute, and the site's stylesheet
(``static/css/site.css``) must style the classes instead. Callers pass labels
already translated; every text is XML-escaped here.

A heatmap is drawn as a PNG (built with zlib) embedded as a data URI, with the
axes in SVG, because one ``<rect>`` per cell would make a 512 x 512 matrix
several megabytes of markup. A content security policy must therefore allow
``img-src data:``.
"""

from __future__ import annotations

import base64
import html
import math
import re
import struct
import unicodedata
import zlib
from collections.abc import Collection, Sequence

import numpy as np

from kb.calculators.downsample import downsample_indices

MAX_POINTS_PER_SERIES = 800
MAX_IMAGE_PIXELS = 512
"""Maximum heatmap image width and height; larger matrices are averaged over blocks."""

# Okabe-Ito based palette: (light background, dark background) stroke colours.
_PALETTE = (
    ("#0072b2", "#56b4e9"),
    ("#d55e00", "#ff9e4a"),
    ("#009e73", "#3fd9a6"),
    ("#cc79a7", "#f0a6cf"),
    ("#b8860b", "#f0e442"),
    ("#6a3d9a", "#c3a5ff"),
    ("#555555", "#cccccc"),
    ("#a6761d", "#e6b86a"),
)
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12"'
_CHAR_WIDTH = 7.0
"""Estimated width of one character at font size 12, for laying out legends and margins."""
_WIDE_CHAR_WIDTH = 12.0
"""Estimated width of a full-width (CJK) character at font size 12."""
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_text(text: str) -> str:
    """Escape text for SVG content or attributes, dropping characters XML 1.0 forbids."""
    return html.escape(_INVALID_XML.sub("", str(text)), quote=True)


def text_width(text: str) -> float:
    """Estimate the width in pixels of ``text`` at font size 12; CJK characters count wider."""
    wide = sum(unicodedata.east_asian_width(character) in ("W", "F") for character in text)
    return _CHAR_WIDTH * (len(text) - wide) + _WIDE_CHAR_WIDTH * wide


def nice_ticks(low: float, high: float, target: int = 5, *, integer: bool = False) -> np.ndarray:
    """Return round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering the range.

    The first tick is at or below ``low`` and the last at or above ``high``,
    so the ticks also give the axis limits. With ``integer`` the step is a
    whole number, for axes of indices.

    Example:
        >>> nice_ticks(0.0, 0.00097).tolist()
        [0.0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"tick range must be finite, got {low} to {high}")
    if high < low:
        low, high = high, low
    if high == low:
        spread = abs(low) * 0.1 or 1.0
        low, high = low - spread, high + spread

    raw_step = (high - low) / max(1, target)
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    candidates = [m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0)]
    if integer:
        candidates = [max(1.0, c) for c in candidates if c < 1 or c.is_integer()]
    step = next(c for c in candidates if c >= raw_step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = np.arange(first, last + 1) * step
    # Multiples such as 3 * 0.1 carry float noise; round it off below the step's precision.
    return np.round(ticks, max(0, 6 - math.floor(math.log10(step))))


def format_tick(value: float, ticks: np.ndarray) -> str:
    """Format a tick value compactly, with as many digits as the tick spacing needs.

    Large integers get a k or M suffix (250k, 1.5M), small or very large
    numbers scientific notation (2e-4), others plain decimals.

    Example:
        >>> [format_tick(v, np.array([0, 2.5e5, 5e5])) for v in (0, 2.5e5, 5e5)]
        ['0', '250k', '500k']
    """
    if value == 0:
        return "0"
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else abs(value)
    largest = float(np.max(np.abs(ticks)))

    if largest >= 10_000 and step >= 1 and float(value).is_integer():
        for divisor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if largest >= divisor:
                return _trim(f"{value / divisor:.{_decimals(step / divisor)}f}") + suffix
    if largest < 1e-2 or largest >= 1e6:
        digits = max(0, math.floor(math.log10(abs(value))) - math.floor(math.log10(step)))
        mantissa, exponent = f"{value:.{digits + 1}e}".split("e")
        return f"{_trim(mantissa)}e{int(exponent)}"
    return _trim(f"{value:.{_decimals(step)}f}")


def _decimals(step: float) -> int:
    """Return the decimals needed to show multiples of ``step`` exactly (2.5 needs one)."""
    for decimals in range(12):
        if abs(round(step, decimals) - step) <= 1e-9 * step:
            return decimals
    return 12


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def _number(value: float) -> str:
    """Format a coordinate for an SVG attribute."""
    return _trim(f"{value:.2f}")


class _Frame:
    """Mapping from data to pixel coordinates for one plot area, with its ticks.

    ``x_limits`` are the data values at the left and right edges, ``y_limits``
    those at the bottom and top edges.
    """

    def __init__(
        self,
        box: tuple[float, float, float, float],
        x_limits: tuple[float, float],
        y_limits: tuple[float, float],
        x_ticks: np.ndarray,
        y_ticks: np.ndarray,
    ) -> None:
        self.left, self.top, self.width, self.height = box
        self.x_limits, self.y_limits = x_limits, y_limits
        self.x_ticks, self.y_ticks = x_ticks, y_ticks

    def x(self, values: np.ndarray) -> np.ndarray:
        low, high = self.x_limits
        return self.left + (values - low) / (high - low) * self.width

    def y(self, values: np.ndarray) -> np.ndarray:
        bottom, top = self.y_limits
        return self.top + (top - values) / (top - bottom) * self.height


def _svg_open(
    width: int, height: int, title: str | None, description: str, style: str = ""
) -> list[str]:
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kb-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" {_FONT}>'
    )
    parts = [root, f"<title>{escape_text(title or description)}</title>"]
    if style:
        parts.append(f"<style>{style}</style>")
    if title:
        parts.append(
            f'<text x="{width / 2:g}" y="20" text-anchor="middle" font-size="14" '
            f'font-weight="600" fill="currentColor">{escape_text(title)}</text>'
        )
    return parts


def _axes(
    frame: _Frame,
    x_label: str,
    y_label: str,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    grid: bool = True,
) -> list[str]:
    """Draw gridlines, tick labels, the frame and both axis labels."""
    parts = ['<g fill="none" stroke="currentColor">']
    bottom = frame.top + frame.height
    right = frame.left + frame.width
    for position in frame.x(frame.x_ticks):
        if grid:
            parts.append(
                f'<line x1="{_number(position)}" y1="{_number(frame.top)}" '
                f'x2="{_number(position)}" y2="{_number(bottom)}" stroke-opacity="0.12"/>'
            )
        parts.append(
            f'<line x1="{_number(position)}" y1="{_number(bottom)}" '
            f'x2="{_number(position)}" y2="{_number(bottom + 5)}"/>'
        )
    for position in frame.y(frame.y_ticks):
        if grid:
            parts.append(
                f'<line x1="{_number(frame.left)}" y1="{_number(position)}" '
                f'x2="{_number(right)}" y2="{_number(position)}" stroke-opacity="0.12"/>'
            )
        parts.append(
            f'<line x1="{_number(frame.left - 5)}" y1="{_number(position)}" '
            f'x2="{_number(frame.left)}" y2="{_number(position)}"/>'
        )
    parts.append(
        f'<rect x="{_number(frame.left)}" y="{_number(frame.top)}" '
        f'width="{_number(frame.width)}" height="{_number(frame.height)}"/></g>'
    )

    parts.append('<g fill="currentColor">')
    for position, label in zip(frame.x(frame.x_ticks), x_labels, strict=True):
        parts.append(
            f'<text x="{_number(position)}" y="{_number(bottom + 18)}" '
            f'text-anchor="middle">{escape_text(label)}</text>'
        )
    for position, label in zip(frame.y(frame.y_ticks), y_labels, strict=True):
        parts.append(
            f'<text x="{_number(frame.left - 8)}" y="{_number(position + 4)}" '
            f'text-anchor="end">{escape_text(label)}</text>'
        )
    parts.append(
        f'<text x="{_number(frame.left + frame.width / 2)}" '
        f'y="{_number(bottom + 40)}" text-anchor="middle">{escape_text(x_label)}</text>'
    )
    label_x = frame.left - 16 - _CHAR_WIDTH * max((len(label) for label in y_labels), default=1)
    center_y = frame.top + frame.height / 2
    parts.append(
        f'<text transform="translate({_number(label_x)} {_number(center_y)}) '
        f'rotate(-90)" text-anchor="middle">{escape_text(y_label)}</text></g>'
    )
    return parts


def _series_style() -> str:
    light = "".join(
        f".kb-chart .kb-chart-s{index}{{stroke:{colors[0]}}}"
        for index, colors in enumerate(_PALETTE)
    )
    dark = "".join(
        f".kb-chart .kb-chart-s{index}{{stroke:{colors[1]}}}"
        for index, colors in enumerate(_PALETTE)
    )
    return f"{light}@media (prefers-color-scheme: dark){{{dark}}}"


def _legend(
    names: Sequence[str], left: float, top: float, width: float, dashed: Collection[int] = ()
) -> tuple[list[str], float]:
    """Lay legend entries out in rows within ``width``; return the SVG parts and their height."""
    parts = ['<g fill="currentColor">']
    x, y = left, top
    for index, name in enumerate(names):
        entry_width = 28 + text_width(name) + 16
        if x > left and x + entry_width > left + width:
            x, y = left, y + 18
        css = f"kb-chart-s{index % len(_PALETTE)}"
        dash = ' stroke-dasharray="5 3"' if index in dashed else ""
        parts.append(
            f'<line class="{css}" x1="{_number(x)}" y1="{_number(y)}" '
            f'x2="{_number(x + 22)}" y2="{_number(y)}" stroke-width="2.5"{dash}/>'
        )
        parts.append(f'<text x="{_number(x + 28)}" y="{_number(y + 4)}">{escape_text(name)}</text>')
        x += entry_width
    parts.append("</g>")
    return parts, (y - top + 18) if names else 0.0


def line_chart_svg(
    series: Sequence[tuple[str, np.ndarray, np.ndarray]],
    *,
    x_label: str,
    y_label: str,
    title: str | None = None,
    width: int = 720,
    height: int = 400,
    include_zero: bool = True,
    log_y: bool = False,
    dashed: Collection[int] = (),
    inline_style: bool = True,
) -> str:
    """Draw several named series as lines on shared axes.

    Args:
        series: ``(name, xs, ys)`` triples of 1-D arrays of equal length. Each
            series is reduced to at most 800 points with the peak-preserving
            :func:`~kb.calculators.downsample.downsample_indices`; points that
            are not finite are left out.
        x_label, y_label: axis labels, with units where they apply ("Step",
            "Learning rate").
        title: optional heading drawn above the plot.
        width, height: size of the SVG in pixels.
        include_zero: extend the y axis to 0 when all values are on one side of it.
            Ignored with ``log_y``.
        log_y: draw the y axis on a log10 scale with ticks at powers of ten;
            values at or below 0 are left out.
        dashed: indices of the series drawn with dashed lines, so a series
            lying on top of another stays visible.
        inline_style: include the ``<style>`` element with the series colours.
            Pass False under a strict content security policy and style the
            ``kb-chart-s0`` .. ``kb-chart-s7`` classes from a stylesheet.

    Returns:
        An ``<svg>`` element as a string.

    Example:
        >>> svg = line_chart_svg([("linear", np.arange(3), np.array([0.0, 1.0, 0.5]))],
        ...                      x_label="Step", y_label="Learning rate")
        >>> svg.startswith("<svg") and "linear" in svg
        True
    """
    cleaned = [
        (name, *_finite_points(np.asarray(xs, float), _y_values(ys, log_y)))
        for name, xs, ys in series
    ]
    all_x = np.concatenate([xs for _, xs, _ in cleaned] or [np.zeros(0)])
    all_y = np.concatenate([ys for _, _, ys in cleaned] or [np.zeros(0)])
    if all_x.size == 0:
        all_x, all_y = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    y_low, y_high = float(all_y.min()), float(all_y.max())
    if include_zero and not log_y:
        y_low, y_high = min(y_low, 0.0), max(y_high, 0.0)

    x_ticks = nice_ticks(float(all_x.min()), float(all_x.max()), target=max(2, width // 110))
    x_labels = [format_tick(value, x_ticks) for value in x_ticks]
    if log_y:
        y_ticks = decade_ticks(y_low, y_high, target=max(2, height // 50))
        y_labels = [format_decade(int(value)) for value in y_ticks]
    else:
        y_ticks = nice_ticks(y_low, y_high, target=max(2, height // 70))
        y_labels = [format_tick(value, y_ticks) for value in y_ticks]

    left = 24 + _CHAR_WIDTH * max(len(label) for label in y_labels) + 12
    top = 32 if title else 12
    plot_width = width - left - 20
    legend, legend_height = _legend(
        [name for name, _, _ in cleaned], left, top + 6, plot_width, dashed
    )
    plot_top = top + legend_height + 10
    frame = _Frame(
        (left, plot_top, plot_width, height - plot_top - 52),
        (float(x_ticks[0]), float(x_ticks[-1])),
        (float(y_ticks[0]), float(y_ticks[-1])),
        x_ticks,
        y_ticks,
    )

    style = _series_style() if inline_style else ""
    parts = _svg_open(width, height, title, f"{y_label} / {x_label}", style)
    parts += legend
    parts += _axes(frame, x_label, y_label, x_labels, y_labels)
    parts.append('<g fill="none" stroke-width="2" stroke-linejoin="round">')
    for index, (_, xs, ys) in enumerate(cleaned):
        if xs.size == 0:
            continue
        points = " ".join(
            f"{_number(x)},{_number(y)}" for x, y in zip(frame.x(xs), frame.y(ys), strict=True)
        )
        dash = ' stroke-dasharray="7 5"' if index in dashed else ""
        parts.append(
            f'<polyline class="kb-chart-s{index % len(_PALETTE)}"{dash} points="{points}"/>'
        )
    parts.append("</g></svg>")
    return "\n".join(parts)


def _y_values(ys: np.ndarray, log_y: bool) -> np.ndarray:
    """Return ``ys`` as floats, or their log10 with non-positive values as NaN."""
    ys = np.asarray(ys, float)
    if not log_y:
        return ys
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ys > 0, np.log10(np.where(ys > 0, ys, 1.0)), np.nan)


def decade_ticks(low: float, high: float, target: int = 5) -> np.ndarray:
    """Return integer exponents of powers of ten covering ``low .. high`` (given as log10).

    The range is widened to whole decades, at least one. When it spans more
    than ``target + 1`` decades, only every second (or fifth, or tenth)
    exponent is kept.

    Example:
        >>> decade_ticks(0.8, 4.2).tolist()
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    """
    first, last = math.floor(low), math.ceil(high)
    if last == first:
        last += 1
    step = next(s for s in (1, 2, 5, 10, 20, 50) if (last - first) / s <= max(1, target) + 1)
    first = math.floor(first / step) * step
    last = math.ceil(last / step) * step
    return np.arange(first, last + 1, step, dtype=np.float64)


def format_decade(exponent: int) -> str:
    """Format ``10 ** exponent`` compactly: 0.01, 1, 100, 10k, 1M, or 1e9 and 1e-5.

    Example:
        >>> [format_decade(e) for e in (-5, -2, 0, 3, 6, 9)]
        ['1e-5', '0.01', '1', '1k', '1M', '1e9']
    """
    if -4 <= exponent < 0:
        return f"{10.0**exponent:.{-exponent}f}"
    if 0 <= exponent < 3:
        return str(10**exponent)
    if 3 <= exponent < 9:
        return f"{10 ** (exponent % 3)}{'kM'[exponent // 3 - 1]}"
    return f"1e{exponent}"


def _finite_points(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if xs.shape != ys.shape or xs.ndim != 1:
        raise ValueError(f"xs and ys must be 1-D of equal length, got {xs.shape} and {ys.shape}")
    finite = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[finite], ys[finite]
    keep = downsample_indices(ys, MAX_POINTS_PER_SERIES)
    return xs[keep], ys[keep]


# Anchor colours of the colour maps, interpolated linearly in sRGB: a blue-grey-red
# diverging map for signed values and a viridis-like sequential map.
_COLORMAPS = {
    "diverging": ("#3b4cc0", "#8db0fe", "#dddddd", "#f49a7b", "#b40426"),
    "sequential": ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"),
}


def _color_table(name: str) -> np.ndarray:
    """Return a 256 x 3 uint8 lookup table for a colour map."""
    anchors = np.array(
        [[int(color[i : i + 2], 16) for i in (1, 3, 5)] for color in _COLORMAPS[name]],
        dtype=np.float64,
    )
    positions = np.linspace(0.0, 1.0, len(anchors))
    levels = np.linspace(0.0, 1.0, 256)
    table = [np.interp(levels, positions, anchors[:, channel]) for channel in range(3)]
    return np.rint(np.stack(table, axis=1)).astype(np.uint8)


def block_mean(matrix: np.ndarray, max_rows: int, max_columns: int) -> np.ndarray:
    """Average ``matrix`` over blocks so it has at most ``max_rows`` x ``max_columns`` cells.

    The last block in each direction may be smaller; it averages the cells it has.
    """
    rows, columns = matrix.shape
    row_starts = np.arange(0, rows, -(-rows // max_rows))
    column_starts = np.arange(0, columns, -(-columns // max_columns))
    if len(row_starts) == rows and len(column_starts) == columns:
        return matrix

    sums = np.add.reduceat(np.add.reduceat(matrix, row_starts, axis=0), column_starts, axis=1)
    row_sizes = np.diff(np.append(row_starts, rows))
    column_sizes = np.diff(np.append(column_starts, columns))
    return sums / np.outer(row_sizes, column_sizes)


def encode_png(levels: np.ndarray, palette: np.ndarray) -> bytes:
    """Encode a 2-D uint8 array of palette indices as an indexed-colour PNG file.

    ``palette`` is an ``(n, 3)`` uint8 array of RGB colours, ``n <= 256``. One
    byte per pixel is a third of the size of RGB. Rows are stored unfiltered:
    on positional-encoding heatmaps the "Up" filter compressed about 10% worse.
    """
    if levels.dtype != np.uint8 or levels.ndim != 2:
        raise ValueError(f"levels must be a 2-D uint8 array, got {levels.shape} {levels.dtype}")
    if palette.dtype != np.uint8 or palette.ndim != 2 or palette.shape[1] != 3:
        raise ValueError(f"palette must be (n, 3) uint8, got {palette.shape} {palette.dtype}")
    height, width = levels.shape
    rows = np.zeros((height, 1 + width), dtype=np.uint8)
    rows[:, 1:] = levels

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", palette.tobytes())
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


def _png_data_uri(values: np.ndarray, low: float, high: float, colormap: str) -> str:
    if high > low:
        scaled = np.clip((values - low) / (high - low), 0.0, 1.0)
    else:
        scaled = np.full_like(values, 0.5)
    levels = np.rint(scaled * 255).astype(np.uint8)
    png = encode_png(levels, _color_table(colormap))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def heatmap_svg(
    matrix: np.ndarray,
    *,
    x_label: str,
    y_label: str,
    title: str | None = None,
    value_label: str | None = None,
    width: int = 720,
    height: int = 480,
    colormap: str = "diverging",
    value_range: tuple[float, float] | None = None,
    x_start: float = 0,
    y_start: float = 0,
    inline_style: bool = True,
) -> str:
    """Draw a matrix as a heatmap, row 0 at the top, with a colour bar.

    Args:
        matrix: 2-D array of finite numbers; entry ``(r, c)`` is drawn at column
            ``c`` (x axis) and row ``r`` (y axis, increasing downwards).
        x_label, y_label: axis labels ("Dimension", "Position").
        title: optional heading drawn above the plot.
        value_label: optional label of the colour bar.
        width, height: size of the SVG in pixels.
        colormap: ``"diverging"`` (blue, grey at the midpoint, red; the default
            range is symmetric around 0) or ``"sequential"`` (dark purple to yellow).
        value_range: ``(low, high)`` mapped to the ends of the colour map;
            values outside are clipped. Defaults to the data range.
        x_start, y_start: index shown for the first column and row (for
            example the position offset).
        inline_style: keep blocky pixels with a ``style`` attribute on the
            image. With False the image only has the class ``kb-chart-pixels``,
            for a stylesheet to set ``image-rendering: pixelated``.

    Returns:
        An ``<svg>`` element as a string. Matrices larger than 512 cells in
        either direction are averaged over blocks first, so the embedded PNG
        stays at most 512 x 512 pixels.

    Example:
        >>> svg = heatmap_svg(np.eye(3), x_label="Column", y_label="Row")
        >>> "data:image/png;base64," in svg
        True
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or 0 in matrix.shape:
        raise ValueError(f"matrix must be a non-empty 2-D array, got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("matrix contains NaN or infinite values")
    if colormap not in _COLORMAPS:
        raise ValueError(f"colormap must be one of {', '.join(_COLORMAPS)}, got {colormap!r}")

    low, high = value_range if value_range is not None else _default_range(matrix, colormap)
    rows, columns = matrix.shape
    x_ticks = nice_ticks(x_start, x_start + columns - 1, target=max(2, width // 120), integer=True)
    y_ticks = nice_ticks(y_start, y_start + rows - 1, target=max(2, height // 70), integer=True)
    x_ticks = x_ticks[(x_ticks >= x_start) & (x_ticks <= x_start + columns - 1)]
    y_ticks = y_ticks[(y_ticks >= y_start) & (y_ticks <= y_start + rows - 1)]
    y_labels = [format_tick(value, y_ticks) for value in y_ticks]

    left = 24 + _CHAR_WIDTH * max((len(label) for label in y_labels), default=1) + 12
    top = 32 if title else 12
    bar_width = 14 + 16 + _CHAR_WIDTH * 9 + (18 if value_label else 0)
    # Each cell is one unit wide and centred on its index; row y_start is at the top.
    frame = _Frame(
        (left, top, width - left - bar_width - 16, height - top - 52),
        (x_start - 0.5, x_start + columns - 0.5),
        (y_start + rows - 0.5, y_start - 0.5),
        x_ticks,
        y_ticks,
    )

    image = _png_data_uri(
        block_mean(matrix, MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS), low, high, colormap
    )
    parts = _svg_open(width, height, title, f"{y_label} / {x_label}")
    pixelated = ' style="image-rendering:pixelated"' if inline_style else ""
    parts.append(
        f'<image class="kb-chart-pixels" x="{_number(frame.left)}" y="{_number(frame.top)}" '
        f'width="{_number(frame.width)}" height="{_number(frame.height)}" '
        f'preserveAspectRatio="none"{pixelated} href="{image}"/>'
    )
    parts += _axes(
        frame,
        x_label,
        y_label,
        [format_tick(value, x_ticks) for value in x_ticks],
        y_labels,
        grid=False,
    )
    parts += _color_bar(
        frame.left + frame.width + 16, frame.top, frame.height, low, high, colormap, value_label
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _default_range(matrix: np.ndarray, colormap: str) -> tuple[float, float]:
    low, high = float(matrix.min()), float(matrix.max())
    if colormap == "diverging":
        extent = max(abs(low), abs(high)) or 1.0
        return -extent, extent
    return (low, high) if high > low else (low - 0.5, high + 0.5)


def _color_bar(
    left: float,
    top: float,
    height: float,
    low: float,
    high: float,
    colormap: str,
    value_label: str | None,
) -> list[str]:
    gradient = np.linspace(high, low, 256)[:, None]
    image = _png_data_uri(gradient, low, high, colormap)
    ticks = nice_ticks(low, high, target=4)
    tolerance = 1e-9 * abs(high - low)
    ticks = ticks[(ticks >= low - tolerance) & (ticks <= high + tolerance)]
    box = f'x="{_number(left)}" y="{_number(top)}" width="14" height="{_number(height)}"'
    parts = [
        f'<image {box} preserveAspectRatio="none" href="{image}"/>',
        f'<rect {box} fill="none" stroke="currentColor"/>',
        '<g fill="currentColor">',
    ]
    for value in ticks:
        y = top + (high - value) / (high - low) * height if high > low else top + height / 2
        parts.append(
            f'<text x="{_number(left + 20)}" y="{_number(y + 4)}">'
            f"{escape_text(format_tick(float(value), ticks))}</text>"
        )
    if value_label:
        center = top + height / 2
        x = left + 20 + _CHAR_WIDTH * 7 + 14
        parts.append(
            f'<text transform="translate({_number(x)} {_number(center)}) rotate(90)" '
            f'text-anchor="middle">{escape_text(value_label)}</text>'
        )
    parts.append("</g>")
    return parts
