"""Read-only resources: categories, tags and the glossary (edited in admin)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny

from kb.models import Category, GlossaryTerm, Tag

from ..lookups import find_by_slug
from ..schema import error_responses, slug_parameter
from ..serializers.taxonomy import CategorySerializer, GlossaryTermSerializer, TagSerializer
from .conditional import ConditionalReadMixin


class ReadOnlyBySlugViewSet(ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    # Only safe methods exist here, so other methods get 405 rather than 401.
    permission_classes = [AllowAny]
    not_found_message = gettext_lazy("Not found: %(slug)s.")

    def get_object(self):
        slug = self.kwargs[self.lookup_field]
        instance = find_by_slug(self.get_queryset(), slug)
        if instance is None:
            raise NotFound(self.not_found_message % {"slug": slug})
        return instance


def _read_schema(name: str, noun: str, example: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {name}",
            description=f"All {name}, readable by everyone. They are edited in admin.",
            responses={200: serializer(many=True), **error_responses(400, 401, 429)},
        ),
        retrieve=extend_schema(
            parameters=[slug_parameter(noun, example)],
            summary=f"Get one of the {name} by slug",
            description="Readable by everyone.",
            responses={200: serializer, **error_responses(401, 404, 429)},
        ),
    )


@_read_schema("categories", "category", "training", CategorySerializer)
class CategoryViewSet(ReadOnlyBySlugViewSet):
    queryset = Category.objects.order_by("order", "slug")
    serializer_class = CategorySerializer
    not_found_message = gettext_lazy("No category has the slug “%(slug)s”.")


@_read_schema("tags", "tag", "rag", TagSerializer)
class TagViewSet(ReadOnlyBySlugViewSet):
    queryset = Tag.objects.order_by("order", "slug")
    serializer_class = TagSerializer
    not_found_message = gettext_lazy("No tag has the slug “%(slug)s”.")


@_read_schema("glossary terms", "glossary term", "learning-rate", GlossaryTermSerializer)
class GlossaryTermViewSet(ReadOnlyBySlugViewSet):
    queryset = GlossaryTerm.objects.order_by("term_en", "slug")
    serializer_class = GlossaryTermSerializer
    last_modified_source = "glossary_modified"
    not_found_message = gettext_lazy("No glossary term has the slug “%(slug)s”.")
