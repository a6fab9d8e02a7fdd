"""Peak-preserving downsampling of a series for charts and compact API responses."""

from __future__ import annotations

import numpy as np

MIN_POINTS = 3
"""Smallest ``points`` accepted: the first, the last and the global maximum."""


def downsample_indices(values: np.ndarray, points: int) -> np.ndarray:
    """Select at most ``points`` indices of ``values`` that keep its shape.

    The first and last indices are always kept. The interior is cut into
    ``(points - 2) // 2`` buckets of nearly equal length, and each bucket
    contributes the index of its minimum and of its maximum (the first one on
    ties), so the global maximum and minimum survive. With ``points == 3`` the
    interior contributes only its maximum.

    Args:
        values: 1-D array of finite numbers.
        points: maximum number of indices to return, at least 3.

    Returns:
        Sorted, unique int64 indices, ``min(points, len(values))`` of them at most.
        All indices are returned when ``len(values) <= points``.

    Example:
        >>> downsample_indices(np.array([0.0, 5.0, 1.0, 2.0, 0.5, 3.0]), 4).tolist()
        [0, 1, 4, 5]
    """
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {values.shape}")
    if points < MIN_POINTS:
        raise ValueError(f"points must be at least {MIN_POINTS}, got {points}")

    count = values.shape[0]
    if count <= points:
        return np.arange(count, dtype=np.int64)

    interior = values[1:-1]
    bucket_count = (points - 2) // 2
    if bucket_count == 0:
        peaks = np.array([1 + int(np.argmax(interior))], dtype=np.int64)
    else:
        starts = (np.arange(bucket_count, dtype=np.int64) * interior.shape[0]) // bucket_count
        peaks = np.concatenate(
            [
                1 + _first_bucket_extremum(interior, starts, np.maximum),
                1 + _first_bucket_extremum(interior, starts, np.minimum),
            ]
        )

    ends = np.array([0, count - 1], dtype=np.int64)
    return np.unique(np.concatenate([ends, peaks]))


def _first_bucket_extremum(values: np.ndarray, starts: np.ndarray, ufunc: np.ufunc) -> np.ndarray:
    """Return, per bucket, the index of the first element equal to the bucket's extremum."""
    extrema = ufunc.reduceat(values, starts)
    sizes = np.diff(np.append(starts, values.shape[0]))
    bucket_of = np.repeat(np.arange(starts.shape[0]), sizes)
    hits = np.flatnonzero(values == extrema[bucket_of])
    # np.unique's return_index gives the first hit of each bucket, because hits are sorted.
    _, first = np.unique(bucket_of[hits], return_index=True)
    return hits[first].astype(np.int64)


def downsample(steps: np.ndarray, lr: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a schedule to at most ``points`` points, keeping its peaks.

    Uses :func:`downsample_indices` on ``lr``: the first and last steps, the
    global maximum and a minimum and maximum per bucket remain, so a warmup peak
    or a restart is never cut off.

    Args:
        steps: 1-D strictly increasing step numbers.
        lr: learning rates, same length as ``steps``.
        points: maximum number of points to return, at least 3.

    Returns:
        ``(steps, lr)`` copies with at most ``points`` elements and strictly
        increasing steps.

    Example:
        >>> s, v = downsample(np.arange(1001), np.linspace(0.0, 1.0, 1001), 10)
        >>> len(s) <= 10, int(s[0]), int(s[-1]), float(v.max())
        (True, 0, 1000, 1.0)
    """
    steps = np.asarray(steps)
    lr = np.asarray(lr)
    if steps.shape != lr.shape:
        raise ValueError(f"steps and lr differ in shape: {steps.shape} and {lr.shape}")

    keep = downsample_indices(lr, points)
    return steps[keep], lr[keep]
