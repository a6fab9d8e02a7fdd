"""The search page and its JSON suggestions; the work happens in kb.search."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from .forms import SearchForm
from .models.bilingual import content_language
from .search import SearchError, search, suggest
from .search.engine import MAX_QUERY_LENGTH

# Page links shown on each side of the current page.
PAGE_LINK_RADIUS = 3
SUGGESTION_LIMIT = 8


def _query_string(query: str, category: str | None, tags: list[str], page: int = 1) -> str:
    parameters: list[tuple[str, str | int]] = [("q", query)]
    if category:
        parameters.append(("category", category))
    parameters += [("tag", tag) for tag in tags]
    if page > 1:
        parameters.append(("page", page))
    return "?" + urlencode(parameters)


def _facet_links(results, category: str | None, tags: list[str]) -> dict:
    """Links that switch the category filter and toggle each tag, keeping the query."""
    query = results.query
    categories = [
        {
            "category": item,
            "count": count,
            "active": item.slug == category,
            "url": _query_string(query, None if item.slug == category else item.slug, tags),
        }
        for item, count in results.category_counts
    ]
    tag_links = [
        {
            "tag": item,
            "count": count,
            "active": item.slug in tags,
            "url": _query_string(
                query,
                category,
                [t for t in tags if t != item.slug] if item.slug in tags else [*tags, item.slug],
            ),
        }
        for item, count in results.tag_counts
    ]
    return {"category_links": categories, "tag_links": tag_links}


def _page_links(results, category: str | None, tags: list[str]) -> dict:
    first = max(1, results.page - PAGE_LINK_RADIUS)
    last = min(results.num_pages, results.page + PAGE_LINK_RADIUS)
    return {
        "page_links": [
            {
                "number": number,
                "url": _query_string(results.query, category, tags, number),
                "current": number == results.page,
            }
            for number in range(first, last + 1)
        ],
        "previous_url": _query_string(results.query, category, tags, results.page - 1)
        if results.has_previous
        else None,
        "next_url": _query_string(results.query, category, tags, results.page + 1)
        if results.has_next
        else None,
    }


@require_GET
def search_page(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        # Keep the query in the box and in the link that drops the filters.
        context = {"form": form, "query": form.cleaned_data.get("q", "")}
        return render(request, "kb/search.html", context, status=400)

    data = form.cleaned_data
    category = data["category"].slug if data["category"] else None
    tags = sorted(tag.slug for tag in data["tag"])
    context = {"form": form, "query": data["q"], "category": category, "tags": tags}
    try:
        results = search(
            data["q"],
            language=content_language(),
            category=category,
            tags=tags,
            include_drafts=request.user.is_staff,
            page=data["page"] or 1,
        )
    except SearchError as error:
        context["error"] = str(error)
        return render(request, "kb/search.html", context, status=400)

    context["results"] = results
    context["first_number"] = (results.page - 1) * results.page_size + 1
    context.update(_facet_links(results, category, tags))
    context.update(_page_links(results, category, tags))
    context["clear_filters_url"] = _query_string(results.query, None, [])
    if results.suggestion:
        context["suggestion_url"] = _query_string(results.suggestion, category, tags)
    return render(request, "kb/search.html", context)


@require_GET
def search_suggest(request):
    query = request.GET.get("q", "")
    if len(query) > MAX_QUERY_LENGTH:
        message = gettext("q is too long: the limit is %(limit)d characters.") % {
            "limit": MAX_QUERY_LENGTH
        }
        return JsonResponse({"error": message, "suggestions": []}, status=400)
    items = suggest(query, language=content_language(), limit=SUGGESTION_LIMIT)
    return JsonResponse({"query": query, "suggestions": items})
