"""Tests of kb.calculators.params and .validation: query parsing, limits and error data."""

import doctest
import importlib

import pytest

from kb.calculators import (
    MAX_JSON_VALUES,
    MAX_NPY_VALUES,
    MAX_TOTAL_STEPS,
    POSITIONAL_ENCODING_PARAMS,
    SCHEDULE_NAMES,
    SCHEDULES,
    ParameterErrors,
    describe_positional_encoding_parameters,
    describe_schedule_parameters,
    lr_schedule,
    parse_positional_encoding_query,
    parse_schedule_query,
    positional_encoding,
    validate_positional_encoding,
    validate_schedule,
)
from kb.calculators.params import COMMON_SCHEDULE_PARAMS, POINTS

VALID_SCHEDULE = {
    "schedule": "cosine",
    "base_lr": "3e-4",
    "total_steps": "1000",
    "warmup_steps": "100",
}


def schedule_errors(**changes: str) -> dict:
    query = {**VALID_SCHEDULE, **changes}
    with pytest.raises(ParameterErrors) as raised:
        parse_schedule_query({key: value for key, value in query.items() if value is not None})
    return raised.value.errors


def encoding_errors(query: dict, **options) -> dict:
    with pytest.raises(ParameterErrors) as raised:
        parse_positional_encoding_query(query, **options)
    return raised.value.errors


def test_schedule_query_gives_typed_kwargs():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "num_cycles": "1.5", "points": "200"})

    assert parsed.kwargs == {
        "name": "cosine",
        "base_lr": 3e-4,
        "total_steps": 1000,
        "warmup_steps": 100,
        "num_cycles": 1.5,
        "min_lr_ratio": 0.0,
    }
    assert parsed.points == 200
    assert isinstance(parsed.kwargs["total_steps"], int)


def test_schedule_query_kwargs_run_lr_schedule():
    parsed = parse_schedule_query(VALID_SCHEDULE)

    result = lr_schedule(**parsed.kwargs)

    assert result.params["schedule"] == "cosine"
    assert result.lr.shape == (1001,)


def test_blank_values_take_defaults():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "warmup_steps": "", "num_cycles": "  "})

    assert parsed.kwargs["warmup_steps"] == 0
    assert parsed.kwargs["num_cycles"] == 0.5
    assert parsed.points is None


def test_integer_accepts_exponent_notation():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "total_steps": "1e5"})

    assert parsed.kwargs["total_steps"] == 100_000


@pytest.mark.parametrize("raw", ["abc", "", "1,000", "0x10"])
def test_non_number_is_rejected(raw):
    errors = schedule_errors(base_lr=raw if raw else "   ")

    assert errors["base_lr"].code == ("required" if not raw else "not_a_number")
    assert "base_lr" in errors["base_lr"].message


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_non_finite_number_is_rejected(raw):
    errors = schedule_errors(base_lr=raw)

    assert errors["base_lr"].code == "not_finite"


def test_fractional_integer_is_rejected():
    errors = schedule_errors(total_steps="10.5")

    assert errors["total_steps"].code == "not_an_integer"


@pytest.mark.parametrize(
    "param, raw",
    [("base_lr", "-1e-3"), ("base_lr", "0"), ("warmup_steps", "-1"), ("total_steps", "-5")],
)
def test_negative_or_zero_is_rejected(param, raw):
    errors = schedule_errors(**{param: raw})

    assert errors[param].code == "out_of_range"
    assert param in errors[param].message


def test_zero_total_steps_is_rejected():
    error = schedule_errors(total_steps="0")["total_steps"]

    assert error.code == "out_of_range"
    assert error.limits["minimum"] == 1
    assert error.limits["maximum"] == MAX_TOTAL_STEPS


def test_total_steps_above_cap_is_rejected():
    error = schedule_errors(total_steps=str(MAX_TOTAL_STEPS + 1))["total_steps"]

    assert error.code == "out_of_range"


def test_warmup_longer_than_run_is_rejected():
    error = schedule_errors(warmup_steps="1001")["warmup_steps"]

    assert error.code == "out_of_range"
    assert error.limits["maximum"] == 1000
    assert "1000" in error.message


def test_warmup_equal_to_run_is_accepted():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "warmup_steps": "1000"})

    assert parsed.kwargs["warmup_steps"] == 1000


def test_polynomial_warmup_must_leave_a_decay_step():
    error = schedule_errors(schedule="polynomial", warmup_steps="1000")["warmup_steps"]

    assert error.code == "out_of_range"
    assert error.limits["exclusive_maximum"] is True


def test_polynomial_lr_end_must_be_below_base_lr():
    error = schedule_errors(schedule="polynomial", lr_end="1e-3")["lr_end"]

    assert error.code == "out_of_range"
    assert error.limits["maximum"] == 3e-4


@pytest.mark.parametrize("raw", ["0", "-1", "1e9"])
def test_num_cycles_outside_range_is_rejected(raw):
    error = schedule_errors(num_cycles=raw)["num_cycles"]

    assert error.code == "out_of_range"
    assert error.limits["exclusive_minimum"] is True


def test_one_cycle_zero_length_first_phase_is_rejected():
    errors = schedule_errors(
        schedule="one_cycle", warmup_steps="0", total_steps="9", pct_start="0.1"
    )

    assert errors["pct_start"].code == "invalid_combination"


def test_unknown_schedule_lists_choices():
    error = schedule_errors(schedule="cosine_annealing")["schedule"]

    assert error.code == "invalid_choice"
    assert error.limits["choices"] == list(SCHEDULE_NAMES)
    assert "cosine_with_restarts" in error.message


def test_unknown_parameter_lists_allowed_ones():
    error = schedule_errors(gamma="0.5")["gamma"]

    assert error.code == "unknown_parameter"
    assert "num_cycles" in error.limits["allowed"]
    assert "points" in error.limits["allowed"]
    assert "min_lr_ratio" in error.message


def test_missing_parameter_message_states_range():
    error = schedule_errors(total_steps=None)["total_steps"]

    assert error.code == "required"
    assert error.message == (
        "total_steps is missing. It must be a whole number at least 1 and at most 10000000."
    )
    assert error.limits["maximum"] == MAX_TOTAL_STEPS


def test_ignored_names_are_not_rejected():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "format": "csv"}, ignore=("format",))

    assert "format" not in parsed.kwargs


def test_missing_required_parameters_are_reported():
    with pytest.raises(ParameterErrors) as raised:
        parse_schedule_query({})

    assert set(raised.value.errors) == {"schedule", "base_lr", "total_steps"}
    assert {error.code for error in raised.value.errors.values()} == {"required"}


def test_all_errors_are_collected():
    errors = schedule_errors(base_lr="nan", warmup_steps="-3", num_cycles="0", power="2")

    assert set(errors) == {"base_lr", "warmup_steps", "num_cycles", "power"}


def test_errors_serialise_to_plain_data():
    with pytest.raises(ParameterErrors) as raised:
        parse_schedule_query({**VALID_SCHEDULE, "total_steps": "0"})

    data = raised.value.as_dict()["total_steps"]

    assert data == {
        "param": "total_steps",
        "code": "out_of_range",
        "message": raised.value.errors["total_steps"].message,
        "limits": {
            "minimum": 1,
            "maximum": MAX_TOTAL_STEPS,
            "exclusive_minimum": False,
            "exclusive_maximum": False,
        },
    }


def test_too_many_points_for_json_is_rejected():
    errors = schedule_errors(total_steps=str(MAX_JSON_VALUES))

    assert errors["total_steps"].code == "too_large"
    assert errors["total_steps"].limits["maximum_values"] == MAX_JSON_VALUES


def test_points_lift_the_json_cap():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "total_steps": "5000000", "points": "800"})

    assert parsed.points == 800


def test_points_above_format_cap_are_rejected():
    with pytest.raises(ParameterErrors) as raised:
        parse_schedule_query({**VALID_SCHEDULE, "points": "2000"}, max_values=1000)

    assert raised.value.errors["points"].code == "out_of_range"
    assert raised.value.errors["points"].limits["maximum"] == 1000


@pytest.mark.parametrize("raw", ["2", "0", "-4"])
def test_points_below_three_are_rejected(raw):
    errors = schedule_errors(points=raw)

    assert errors["points"].code == "out_of_range"


def test_no_cap_allows_long_schedules():
    parsed = parse_schedule_query({**VALID_SCHEDULE, "total_steps": "5000000"}, max_values=None)

    assert parsed.kwargs["total_steps"] == 5_000_000


def test_typed_validation_accepts_numbers():
    effective = validate_schedule({"schedule": "step", "base_lr": 0.1, "total_steps": 90})

    assert effective["step_size"] == 30
    assert effective["gamma"] == 0.1


def test_typed_validation_rejects_booleans():
    with pytest.raises(ParameterErrors) as raised:
        validate_schedule({"schedule": "step", "base_lr": True, "total_steps": 90})

    assert raised.value.errors["base_lr"].code == "not_a_number"


def test_encoding_query_gives_typed_kwargs():
    kwargs = parse_positional_encoding_query(
        {"positions": "16", "d_model": "8", "layout": "concatenated", "offset": "3"}
    )

    assert kwargs == {
        "positions": 16,
        "d_model": 8,
        "base": 10000.0,
        "layout": "concatenated",
        "offset": 3,
    }
    assert positional_encoding(**kwargs).shape == (16, 8)


@pytest.mark.parametrize(
    "raw, code",
    [("7", "not_even"), ("0", "out_of_range"), ("-2", "out_of_range"), ("x", "not_a_number")],
)
def test_invalid_d_model_is_rejected(raw, code):
    errors = encoding_errors({"positions": "4", "d_model": raw})

    assert errors["d_model"].code == code


def test_unknown_layout_is_rejected():
    errors = encoding_errors({"positions": "4", "d_model": "4", "layout": "blocked"})

    assert errors["layout"].code == "invalid_choice"
    assert errors["layout"].limits["choices"] == ["interleaved", "concatenated"]


def test_base_must_exceed_one():
    errors = encoding_errors({"positions": "4", "d_model": "4", "base": "1"})

    assert errors["base"].code == "out_of_range"


def test_encoding_matrix_too_large_for_json():
    errors = encoding_errors({"positions": "4096", "d_model": "1024"})

    assert errors["positions"].code == "too_large"
    assert errors["positions"].limits["maximum_values"] == MAX_JSON_VALUES


def test_encoding_matrix_fits_npy_cap():
    kwargs = parse_positional_encoding_query(
        {"positions": "4096", "d_model": "4096"}, max_values=MAX_NPY_VALUES
    )

    assert kwargs["positions"] * kwargs["d_model"] == MAX_NPY_VALUES


def test_encoding_matrix_above_npy_cap_is_rejected():
    with pytest.raises(ParameterErrors) as raised:
        validate_positional_encoding({"positions": 8192, "d_model": 4096})

    assert raised.value.errors["positions"].code == "too_large"


def test_encoding_rejects_unknown_parameter():
    errors = encoding_errors({"positions": "4", "d_model": "4", "schedule": "linear"})

    assert errors["schedule"].code == "unknown_parameter"


def test_every_schedule_has_a_spec():
    assert list(SCHEDULES) == list(SCHEDULE_NAMES)


def test_schedule_description_lists_users_of_each_parameter():
    described = {entry["name"]: entry for entry in describe_schedule_parameters()}

    assert described["num_cycles"]["used_by"] == [
        "cosine",
        "cosine_with_restarts",
        "warmup_stable_decay",
    ]
    assert described["num_cycles"]["defaults"] == {
        "cosine": 0.5,
        "cosine_with_restarts": 1.0,
        "warmup_stable_decay": 0.5,
    }
    assert described["base_lr"]["used_by"] is None
    assert described["points"]["maximum"] == MAX_JSON_VALUES
    assert described["anneal_strategy"]["choices"] == ["cos", "linear"]


def test_every_parameter_is_documented():
    specs = [*COMMON_SCHEDULE_PARAMS, POINTS, *POSITIONAL_ENCODING_PARAMS]
    specs += [spec for schedule in SCHEDULES.values() for spec in schedule.params]

    for spec in specs:
        assert spec.description.endswith("."), spec.name
        assert spec.type in ("integer", "number", "string"), spec.name
        has_default = spec.default is not None or spec.default_description is not None
        assert spec.required or has_default, spec.name


def test_defaults_are_within_their_own_ranges():
    specs = [*COMMON_SCHEDULE_PARAMS, *POSITIONAL_ENCODING_PARAMS]
    specs += [spec for schedule in SCHEDULES.values() for spec in schedule.params]

    for spec in specs:
        if spec.default is not None:
            assert spec.coerce(spec.default) == spec.default, spec.name


def test_encoding_description_has_every_parameter():
    names = [entry["name"] for entry in describe_positional_encoding_parameters()]

    assert names == ["positions", "d_model", "base", "layout", "offset"]


def test_docstring_examples_pass():
    results = doctest.testmod(importlib.import_module("kb.calculators.validation"))

    assert results.attempted > 0
    assert results.failed == 0
