"""Calculators of the knowledge base: pure NumPy, with no Django import.

``lr_schedule`` gives learning-rate schedules with the semantics of Hugging Face
transformers and PyTorch, and ``positional_encoding`` the sinusoidal encoding of
"Attention Is All You Need". The API and the pages share the parameter specs of
:mod:`kb.calculators.params` and the checks of :mod:`kb.calculators.validation`.
"""

from .downsample import downsample, downsample_indices
from .params import (
    MAX_JSON_VALUES,
    MAX_NPY_VALUES,
    MAX_TOTAL_STEPS,
    POSITIONAL_ENCODING_PARAMS,
    SCHEDULE_NAMES,
    SCHEDULES,
    ParameterError,
    ParameterErrors,
    ParameterSpec,
    describe_positional_encoding_parameters,
    describe_schedule_parameters,
)
from .positional_encoding import (
    LAYOUTS,
    dot_product_by_distance,
    position_dot_products,
    positional_encoding,
    timescales,
    wavelengths,
)
from .schedules import ScheduleResult, lr_schedule
from .validation import (
    ScheduleQuery,
    parse_positional_encoding_query,
    parse_schedule_query,
    validate_positional_encoding,
    validate_schedule,
)

__all__ = [
    "LAYOUTS",
    "MAX_JSON_VALUES",
    "MAX_NPY_VALUES",
    "MAX_TOTAL_STEPS",
    "POSITIONAL_ENCODING_PARAMS",
    "SCHEDULES",
    "SCHEDULE_NAMES",
    "ParameterError",
    "ParameterErrors",
    "ParameterSpec",
    "ScheduleQuery",
    "ScheduleResult",
    "describe_positional_encoding_parameters",
    "describe_schedule_parameters",
    "dot_product_by_distance",
    "downsample",
    "downsample_indices",
    "lr_schedule",
    "parse_positional_encoding_query",
    "parse_schedule_query",
    "position_dot_products",
    "positional_encoding",
    "timescales",
    "validate_positional_encoding",
    "validate_schedule",
    "wavelengths",
]
