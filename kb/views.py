from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import queries
from .cache import cache_page_for_readers
from .calculator_views import embedded_calculator
from .forms import TopicFilterForm, TopicViewForm
from .glossary_links import link_glossary_terms
from .models import GlossaryTerm
from .models.bilingual import CONTENT_LANGUAGES, content_language


@require_GET
@cache_page_for_readers()
def home(request):
    context = {
        "categories": queries.categories_with_topics(request.user),
        "uncategorised": queries.uncategorised_topics(request.user),
    }
    return render(request, "kb/home.html", context)


@require_GET
@cache_page_for_readers(params=("category", "tag"))
def topic_list(request):
    form = TopicFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "topics": []}
        return render(request, "kb/topic_list.html", context, status=400)

    filters = form.cleaned_data if form.is_bound else {}
    topics = queries.filter_topics(
        request.user, filters.get("category"), list(filters.get("tag") or [])
    )
    return render(request, "kb/topic_list.html", {"form": form, "topics": topics})


def _topic_panels(topic, language: str, view: str) -> list[dict]:
    """Return the content panels to show: one language, or both side by side."""
    shown = CONTENT_LANGUAGES if view == "both" else [view or topic.shown_language(language)]
    panels = []
    for panel_language in shown:
        targets = queries.glossary_link_targets(panel_language)
        panels.append(
            {
                "language": panel_language,
                "title": getattr(topic, f"title_{panel_language}"),
                "summary": getattr(topic, f"summary_{panel_language}"),
                "html": link_glossary_terms(getattr(topic, f"body_html_{panel_language}"), targets),
                "toc": getattr(topic, f"toc_{panel_language}"),
                "complete": topic.is_complete(panel_language),
            }
        )
    return panels


def _view_links(topic, view: str) -> list[dict]:
    """Links of the content switch: Chinese page, English page, side by side."""
    url = topic.get_absolute_url()
    current = get_language()
    links = [
        {
            "label": "中文" if code == "zh-hans" else "English",
            "url": translate_url(url, code),
            "hreflang": code,
            "current": view == "" and code == current,
        }
        for code in ("zh-hans", "en")
    ]
    links.append({"label": _("Side by side"), "url": f"{url}?view=both", "current": view == "both"})
    return links


@require_GET
@cache_page_for_readers(params=("view",))
def topic_detail(request, slug: str):
    topic = queries.topic_for_page(request.user, slug)
    if topic is None:
        raise Http404(_("No topic has the address “%(slug)s”.") % {"slug": slug})

    view_form = TopicViewForm(request.GET)
    if not view_form.is_valid():
        context = {"topic": topic, "view_form": view_form}
        return render(request, "kb/topic_invalid_view.html", context, status=400)

    language = content_language()
    view = view_form.cleaned_data.get("view") or ""
    context = {
        "topic": topic,
        "view": view or "single",
        "language": language,
        "panels": _topic_panels(topic, language, view),
        "view_links": _view_links(topic, view),
        "translated": topic.is_complete(language),
        "calculator": embedded_calculator(topic.calculator),
    }
    return render(request, "kb/topic_detail.html", context)


@require_GET
@cache_page_for_readers()
def glossary(request):
    terms = GlossaryTerm.objects.order_by("term_en")
    return render(request, "kb/glossary.html", {"terms": terms})


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", ""]
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines.append(f"Sitemap: {sitemap_url}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
