"""Pages of the calculators, and the compact calculator embedded in topic pages.

``?partial=1`` returns only the output fragment: chart, figures, code and
the field errors. static/js/calculators.js fetches it to follow the inputs
live. ``?partial=embed`` returns the compact fragment of a topic page.
Invalid input answers 400 with the form kept and the message next to its field.
"""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import queries
from .calculator_figures import encoding_output, schedule_output
from .calculator_forms import (
    POSITIONAL_ENCODING_DEFAULTS,
    SCHEDULE_DEFAULTS,
    encoding_fields,
    read_encoding_page,
    read_schedule_page,
    schedule_fields,
)
from .models import Topic

LR_SCHEDULE = Topic.Calculator.LR_SCHEDULE
POSITIONAL_ENCODING = Topic.Calculator.POSITIONAL_ENCODING

EMBED_SCHEDULE_DEFAULTS = {
    **SCHEDULE_DEFAULTS,
    "schedule": "linear",
    "compare": ["cosine", "polynomial"],
    "power": "2",
    "at": "",
}
"""The learning-rate topic's example: warmup then linear, cosine and polynomial decay."""
EMBED_ENCODING_DEFAULTS = {**POSITIONAL_ENCODING_DEFAULTS, "positions": "64", "d_model": "64"}


def _template(request, full: str, partial: str, embed: str) -> str:
    return {"1": partial, "embed": embed}.get(request.GET.get("partial", ""), full)


def _schedule_context(query, defaults) -> dict:
    page = read_schedule_page(query, defaults)
    context = {"page": page, "fields": schedule_fields(page)}
    if not page.errors:
        context["output"] = schedule_output(page)
    return context


def _encoding_context(query, defaults, *, compact: bool = False) -> dict:
    page = read_encoding_page(query, defaults)
    context = {"page": page, "fields": encoding_fields(page)}
    if not page.errors:
        context["output"] = encoding_output(page, compact=compact)
    return context


@require_GET
def calculators_index(request):
    context = {
        "lr_topics": queries.topics_embedding(LR_SCHEDULE),
        "encoding_topics": queries.topics_embedding(POSITIONAL_ENCODING),
    }
    return render(request, "kb/calculators/index.html", context)


@require_GET
def lr_schedule(request):
    embed = request.GET.get("partial") == "embed"
    defaults = EMBED_SCHEDULE_DEFAULTS if embed else SCHEDULE_DEFAULTS
    context = _schedule_context(request.GET, defaults)
    context["topics"] = queries.topics_embedding(LR_SCHEDULE)
    template = _template(
        request,
        "kb/calculators/lr_schedule.html",
        "kb/calculators/_lr_output.html",
        "kb/calculators/_lr_embed_output.html",
    )
    return render(request, template, context, status=400 if context["page"].errors else 200)


@require_GET
def positional_encoding(request):
    embed = request.GET.get("partial") == "embed"
    defaults = EMBED_ENCODING_DEFAULTS if embed else POSITIONAL_ENCODING_DEFAULTS
    context = _encoding_context(request.GET, defaults, compact=embed)
    context["topics"] = queries.topics_embedding(POSITIONAL_ENCODING)
    template = _template(
        request,
        "kb/calculators/positional_encoding.html",
        "kb/calculators/_pe_output.html",
        "kb/calculators/_pe_embed_output.html",
    )
    return render(request, template, context, status=400 if context["page"].errors else 200)


def embedded_calculator(calculator: str) -> dict | None:
    """Return the context of the compact calculator a topic embeds, or None for none.

    The embed uses the calculator's example values for the topic, not the
    topic page's query string, which belongs to the topic.
    """
    empty = QueryDict()
    if calculator == LR_SCHEDULE:
        context = _schedule_context(empty, EMBED_SCHEDULE_DEFAULTS)
        return {**context, "template": "kb/calculators/_lr_embed.html"}
    if calculator == POSITIONAL_ENCODING:
        context = _encoding_context(empty, EMBED_ENCODING_DEFAULTS, compact=True)
        return {**context, "template": "kb/calculators/_pe_embed.html"}
    return None
