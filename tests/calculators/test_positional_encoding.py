"""Tests of kb.calculators.positional_encoding against torch-built golden rows."""

import doctest
import importlib
import json
import math
from pathlib import Path

import numpy as np
import pytest

from kb.calculators import (
    dot_product_by_distance,
    position_dot_products,
    positional_encoding,
    timescales,
    wavelengths,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "positional_encoding.json").read_text())
# The golden constructions compute frequencies as exp(-2i * ln(base) / d), which differ
# from base ** (2i / d) in the last bits. The angle error grows with the position, to
# about 3e-13 at position 2047.
GOLDEN_ATOL = 1e-12


def direct_encoding(positions: int, d_model: int, base: float = 10000.0, offset: int = 0):
    """Evaluate the formula cell by cell, with one sin or cos per cell."""
    angles = np.arange(offset, offset + positions, dtype=np.float64)[:, None] / (
        base ** (np.arange(0, d_model, 2) / d_model)
    )
    matrix = np.empty((positions, d_model))
    matrix[:, 0::2] = np.sin(angles)
    matrix[:, 1::2] = np.cos(angles)
    return matrix


def golden_ids():
    return [
        "{positions}x{d_model} base {base:g} offset {offset}".format(**case["kwargs"])
        for case in GOLDEN["cases"]
    ]


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=golden_ids())
@pytest.mark.parametrize("layout", ["interleaved", "concatenated"])
def test_encoding_matches_torch_golden(case, layout):
    matrix = positional_encoding(**case["kwargs"], layout=layout)

    np.testing.assert_allclose(
        matrix[case["rows"]], np.array(case[layout]), rtol=0, atol=GOLDEN_ATOL
    )


def test_concatenated_differs_from_tensor2tensor_frequencies():
    case = next(c for c in GOLDEN["cases"] if "tensor2tensor_original" in c)
    original = np.array(case["tensor2tensor_original"])

    matrix = positional_encoding(**case["kwargs"], layout="concatenated")

    # The first pair has timescale 1 in both, the others drift apart.
    np.testing.assert_allclose(matrix[:, [0, 8]], original[:, [0, 8]], rtol=0, atol=1e-14)
    assert np.abs(matrix - original).max() > 0.1


def test_concatenated_is_interleaved_with_columns_rearranged():
    interleaved = positional_encoding(300, 64, base=500.0, offset=11)
    concatenated = positional_encoding(300, 64, base=500.0, offset=11, layout="concatenated")

    np.testing.assert_array_equal(concatenated[:, :32], interleaved[:, 0::2])
    np.testing.assert_array_equal(concatenated[:, 32:], interleaved[:, 1::2])


@pytest.mark.parametrize("positions, d_model", [(1, 2), (2, 4), (7, 6), (4096, 64), (1000, 2)])
def test_encoding_matches_direct_formula(positions, d_model):
    matrix = positional_encoding(positions, d_model)

    assert matrix.shape == (positions, d_model)
    assert matrix.dtype == np.float64
    np.testing.assert_allclose(matrix, direct_encoding(positions, d_model), rtol=0, atol=1e-12)


def test_encoding_with_large_offset_matches_direct_formula():
    matrix = positional_encoding(100, 16, offset=1_000_000)

    # At position 1e6 the angle itself is only known to about 1e6 * 1.1e-16.
    np.testing.assert_allclose(
        matrix, direct_encoding(100, 16, offset=1_000_000), rtol=0, atol=1e-9
    )


def test_offset_shifts_rows():
    whole = positional_encoding(40, 8)
    shifted = positional_encoding(30, 8, offset=10)

    np.testing.assert_allclose(shifted, whole[10:], rtol=0, atol=1e-14)


def test_first_row_is_sin_zero_and_cos_zero():
    row = positional_encoding(1, 8)[0]

    assert row.tolist() == [0.0, 1.0] * 4


def test_zero_positions_give_empty_matrix():
    assert positional_encoding(0, 8).shape == (0, 8)


@pytest.mark.parametrize("d_model", [0, 3, -2])
def test_invalid_d_model_raises(d_model):
    with pytest.raises(ValueError):
        positional_encoding(4, d_model)


def test_unknown_layout_raises():
    with pytest.raises(ValueError):
        positional_encoding(4, 4, layout="blocked")


def test_wavelengths_grow_geometrically():
    lengths = wavelengths(512)

    assert lengths.shape == (256,)
    assert lengths[0] == 2 * math.pi
    assert lengths[-1] == pytest.approx(2 * math.pi * 10000.0 ** (510 / 512), rel=1e-14)
    np.testing.assert_allclose(lengths[1:] / lengths[:-1], 10000.0 ** (2 / 512), rtol=1e-13)


def test_timescales_are_wavelengths_over_two_pi():
    np.testing.assert_allclose(
        timescales(64, 100.0) * 2 * np.pi, wavelengths(64, 100.0), rtol=1e-15
    )


def test_dot_products_depend_only_on_distance():
    gram = position_dot_products(positional_encoding(64, 32))

    assert gram.shape == (64, 64)
    np.testing.assert_allclose(np.diag(gram), 16.0, rtol=1e-13)
    for distance in (1, 5, 40):
        diagonal = np.diagonal(gram, offset=distance)
        np.testing.assert_allclose(diagonal, diagonal[0], rtol=0, atol=1e-12)


def test_dot_product_by_distance_matches_gram_matrix():
    gram = position_dot_products(positional_encoding(50, 24, layout="concatenated"))

    distances, products = dot_product_by_distance(49, 24)

    assert distances.tolist() == list(range(50))
    np.testing.assert_allclose(products, gram[0], rtol=0, atol=1e-12)


def test_encoding_is_symmetric_in_dot_product():
    gram = position_dot_products(positional_encoding(10, 8))

    np.testing.assert_array_equal(gram, gram.T)


def test_docstring_examples_pass():
    module = importlib.import_module("kb.calculators.positional_encoding")

    results = doctest.testmod(module)

    assert results.attempted > 0
    assert results.failed == 0
