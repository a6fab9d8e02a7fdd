from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from kb.search import InvalidPage, SearchError, search

from ..filters import split_values
from ..schema import error_responses
from ..serializers.search import SearchParametersSerializer, SearchResultsSerializer
from ..serializers.topics import topic_site_urls, topic_url_templates
from .conditional import ConditionalReadMixin


class SearchView(ConditionalReadMixin, APIView):
    permission_classes = [AllowAny]
    last_modified_source = "topics_modified"

    @extend_schema(
        operation_id="search",
        summary="Search topics",
        description=(
            "Full-text search in both languages with the search page's syntax and filters. "
            "Published topics only; staff also find drafts. An empty q gives no results."
        ),
        parameters=[
            SearchParametersSerializer,
            OpenApiParameter(
                "tags",
                {"type": "array", "items": {"type": "string"}},
                OpenApiParameter.QUERY,
                description="Tag slugs, comma-separated or repeated; topics must have all of them.",
            ),
        ],
        responses={200: SearchResultsSerializer, **error_responses(400, 401, 429)},
    )
    def get(self, request, *args, **kwargs):
        return self._conditional(request, self._search)

    def _search(self, request):
        parameters = self._parameters(request)
        try:
            results = search(
                parameters.get("q", ""),
                language=parameters["lang"],
                category=parameters.get("category"),
                tags=parameters.get("tags", []),
                include_drafts=request.user.is_staff,
                page=parameters["page"],
                page_size=parameters["page_size"],
            )
        except InvalidPage as error:
            raise ValidationError({"page": [str(error)]}) from None
        except SearchError as error:
            raise ValidationError({"q": [str(error)]}) from None

        templates = topic_url_templates(request)
        language = parameters["lang"]
        context = {"topic_url": lambda slug: topic_site_urls(templates, slug)[language]}
        body = {
            "count": results.total,
            "next": self._page_link(request, results.page + 1) if results.has_next else None,
            "previous": (
                self._page_link(request, results.page - 1) if results.has_previous else None
            ),
            "page": results.page,
            "num_pages": results.num_pages,
            "page_size": results.page_size,
            "query": results.query,
            "suggestion": results.suggestion,
            "notice": results.notice,
            "facets": {
                "categories": [
                    {"item": item, "count": count} for item, count in results.category_counts
                ],
                "tags": [{"item": item, "count": count} for item, count in results.tag_counts],
            },
            "results": results.hits,
        }
        return Response(SearchResultsSerializer(body, context=context).data)

    @staticmethod
    def _parameters(request) -> dict:
        data = request.query_params.dict()
        tags = split_values(request.query_params, "tags")
        data.pop("tags", None)
        if tags:
            data["tags"] = tags
        serializer = SearchParametersSerializer(data=data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        return serializer.validated_data

    @staticmethod
    def _page_link(request, page: int) -> str:
        url = request.build_absolute_uri()
        if page == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", page)
