"""Python code that reproduces a calculator's result with PyTorch or transformers.

Each schedule's snippet is the library call whose values the engine follows
(see ``SCHEDULES[name].reference``), with the effective parameters, as
``tests/calculators/generate_golden.py`` calls it to produce the golden values.
"""

from __future__ import annotations

from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

_FORMATTER = HtmlFormatter(nowrap=True)
_LEXER = PythonLexer()

TRANSFORMERS_FUNCTIONS = {
    "constant": "get_constant_schedule",
    "constant_with_warmup": "get_constant_schedule_with_warmup",
    "linear": "get_linear_schedule_with_warmup",
    "cosine": "get_cosine_schedule_with_warmup",
    "cosine_with_restarts": "get_cosine_with_hard_restarts_schedule_with_warmup",
    "polynomial": "get_polynomial_decay_schedule_with_warmup",
    "inverse_sqrt": "get_inverse_sqrt_schedule",
    "warmup_stable_decay": "get_wsd_schedule",
}
TORCH_CLASSES = {"step": "StepLR", "exponential": "ExponentialLR", "one_cycle": "OneCycleLR"}


def _call(function: str, arguments: dict[str, Any]) -> str:
    """Format ``function(optimizer, name=value, ...)``, one argument per line when long."""
    # repr gives the shortest float literal that parses back to the same value.
    parts = ["optimizer", *(f"{name}={value!r}" for name, value in arguments.items())]
    one_line = f"scheduler = {function}({', '.join(parts)})"
    if len(one_line) <= 88:
        return one_line
    return f"scheduler = {function}(\n" + "".join(f"    {part},\n" for part in parts) + ")"


def _transformers_arguments(name: str, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return the transformers function and its keyword arguments for schedule ``name``."""
    function = TRANSFORMERS_FUNCTIONS[name]
    warmup = {"num_warmup_steps": p["warmup_steps"]}
    run = {**warmup, "num_training_steps": p["total_steps"]}
    if name == "constant":
        return function, {}
    if name == "constant_with_warmup":
        return function, warmup
    if name == "linear":
        return function, run
    if name == "cosine":
        if p["min_lr_ratio"]:
            function = "get_cosine_with_min_lr_schedule_with_warmup"
            return function, {
                **run,
                "num_cycles": p["num_cycles"],
                "min_lr_rate": p["min_lr_ratio"],
            }
        return function, {**run, "num_cycles": p["num_cycles"]}
    if name == "cosine_with_restarts":
        return function, {**run, "num_cycles": p["num_cycles"]}
    if name == "polynomial":
        return function, {**run, "lr_end": p["lr_end"], "power": p["power"]}
    if name == "inverse_sqrt":
        return function, {**warmup, "timescale": p["timescale"]}
    keys = ("num_stable_steps", "num_decay_steps", "warmup_type", "decay_type")
    extra = {key: p[key] for key in (*keys, "min_lr_ratio", "num_cycles")}
    return function, {**warmup, **extra}


def _torch_arguments(name: str, p: dict[str, Any]) -> dict[str, Any]:
    if name == "step":
        return {"step_size": p["step_size"], "gamma": p["gamma"]}
    if name == "exponential":
        return {"gamma": p["gamma"]}
    # OneCycleLR's total_steps counts the rates it yields, so steps 0..total_steps need
    # total_steps + 1. It sets the optimizer's rate from max_lr and div_factor itself.
    return {
        "max_lr": p["base_lr"],
        "total_steps": p["total_steps"] + 1,
        "pct_start": p["pct_start"],
        "anneal_strategy": p["anneal_strategy"],
        "div_factor": p["div_factor"],
        "final_div_factor": p["final_div_factor"],
    }


def schedule_snippet(name: str, params: dict[str, Any]) -> str:
    """Return Python code building the library scheduler of ``name`` with ``params``.

    ``params`` are the effective parameters from ``validate_schedule``. The
    scheduler's rate after ``s`` calls of ``scheduler.step()`` is the
    engine's rate at step ``s``.
    """
    lines = ["import torch"]
    if name in TRANSFORMERS_FUNCTIONS:
        function, arguments = _transformers_arguments(name, params)
        lines.append(f"from transformers import {function}")
        creation = _call(function, arguments)
    elif name in TORCH_CLASSES:
        lines.append(f"from torch.optim.lr_scheduler import {TORCH_CLASSES[name]}")
        creation = _call(TORCH_CLASSES[name], _torch_arguments(name, params))
    else:
        lines.append("from torch.optim.lr_scheduler import LambdaLR")
        creation = _noam_creation(params)

    lines += [
        "",
        "model = torch.nn.Linear(16, 16)  # your model",
        f"optimizer = torch.optim.AdamW(model.parameters(), lr={params['base_lr']!r})",
        creation,
        "",
        f"for step in range({params['total_steps']}):",
        "    ...  # forward and backward pass",
        "    optimizer.step()",
        "    scheduler.step()  # scheduler.get_last_lr()[0] is now the rate at step + 1",
    ]
    return "\n".join(lines) + "\n"


def _noam_creation(p: dict[str, Any]) -> str:
    # Step 0 takes the value of step 1, because step ** -0.5 is undefined at 0.
    return (
        f"d_model, warmup = {p['d_model']}, {p['warmup_steps']}\n"
        "scheduler = LambdaLR(\n"
        "    optimizer,\n"
        "    lambda step: d_model**-0.5\n"
        "    * min(max(step, 1) ** -0.5, max(step, 1) * warmup**-1.5),\n"
        ")"
    )


def positional_encoding_snippet(params: dict[str, Any]) -> str:
    """Return PyTorch code building the same positional-encoding matrix in float64."""
    if params["layout"] == "interleaved":
        layout = [
            "pe = torch.empty(positions, d_model, dtype=torch.float64)",
            "pe[:, 0::2] = torch.sin(angles)  # interleaved: sin, cos, sin, cos, ...",
            "pe[:, 1::2] = torch.cos(angles)",
        ]
    else:
        layout = ["pe = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)  # concatenated"]
    lines = [
        "import torch",
        "",
        f"positions, d_model, base, offset = {params['positions']}, {params['d_model']}, "
        f"{params['base']!r}, {params['offset']}",
        "position = torch.arange(offset, offset + positions, dtype=torch.float64)[:, None]",
        "timescales = base ** (torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)",
        "angles = position / timescales",
        *layout,
    ]
    return "\n".join(lines) + "\n"


def highlight_python(code: str) -> str:
    """Return ``code`` as highlighted HTML in the site's ``pre.highlight`` block."""
    body = highlight(code, _LEXER, _FORMATTER)
    return f'<pre class="highlight"><code class="language-python">{body}</code></pre>'
