"""Parameters and results of /api/search/."""

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kb.models import Category, Tag
from kb.models.bilingual import CONTENT_LANGUAGES
from kb.search.engine import MAX_QUERY_LENGTH

from ..lookups import looks_like_slug
from .bilingual import BilingualField

DEFAULT_SEARCH_PAGE_SIZE = 10
MAX_SEARCH_PAGE_SIZE = 100
# DRF formats these messages with str.format and no arguments for "invalid",
# so the limit is written out; it must equal MAX_SEARCH_PAGE_SIZE.
_PAGE_SIZE_MESSAGE = _("Enter a whole number from 1 to 100 for page_size.")


class QueryTextField(serializers.CharField):
    """Search text as typed. NUL and other control characters are allowed here
    because kb.search drops them itself; DRF's CharField would reject NUL."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]


class SearchParametersSerializer(serializers.Serializer):
    """The query string of a search; `tags` is read by the view (repeated or comma-separated)."""

    q = QueryTextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _("q is too long: the limit is {max_length} characters."),
        },
        help_text=(
            'Words to find, with web-search syntax: "quoted phrases", -exclusions and OR. '
            "At most 10,000 characters."
        ),
    )
    lang = serializers.ChoiceField(
        choices=CONTENT_LANGUAGES,
        required=False,
        default="zh",
        help_text=(
            "Language of titles, snippets, notices and site URLs: zh (default) or en. "
            "Error messages follow Accept-Language instead."
        ),
        error_messages={"invalid_choice": _("Unknown language “{input}”: use zh or en.")},
    )
    category = serializers.CharField(
        required=False, allow_blank=True, help_text="Category slug (see /api/categories/)."
    )
    tags = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=(
            "Tag slugs, comma-separated or repeated. Only topics that have all of them match."
        ),
    )
    page = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        help_text="Page number, from 1. A page past the last one is a 400 error.",
        error_messages={
            "invalid": _("Enter a whole number of 1 or more for page."),
            "min_value": _("Enter a whole number of 1 or more for page."),
        },
    )
    page_size = serializers.IntegerField(
        required=False,
        default=DEFAULT_SEARCH_PAGE_SIZE,
        min_value=1,
        max_value=MAX_SEARCH_PAGE_SIZE,
        help_text=f"Hits per page, from 1 to {MAX_SEARCH_PAGE_SIZE}. Not clamped: others are 400.",
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), _PAGE_SIZE_MESSAGE),
    )

    def validate_category(self, slug: str) -> str | None:
        if not slug:
            return None
        if looks_like_slug(slug) and Category.objects.filter(slug=slug).exists():
            return slug
        allowed = ", ".join(Category.objects.order_by("slug").values_list("slug", flat=True))
        raise serializers.ValidationError(
            _("No category has the slug “%(slug)s”. Allowed: %(allowed)s.")
            % {"slug": slug, "allowed": allowed}
        )

    def validate_tags(self, slugs: list[str]) -> list[str]:
        slugs = list(dict.fromkeys(slugs))
        candidates = [slug for slug in slugs if looks_like_slug(slug)]
        found = set(Tag.objects.filter(slug__in=candidates).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            allowed = ", ".join(Tag.objects.order_by("slug").values_list("slug", flat=True))
            raise serializers.ValidationError(
                _("Unknown tag slugs: %(unknown)s. Allowed: %(allowed)s.")
                % {"unknown": ", ".join(unknown), "allowed": allowed}
            )
        return slugs


class SearchHitSerializer(serializers.Serializer):
    slug = serializers.CharField(source="topic.slug")
    title = BilingualField("title", source="topic")
    title_html = serializers.CharField(
        help_text="Escaped title in `language`, matched words in <mark>."
    )
    snippet = serializers.CharField(
        source="snippet_html",
        help_text="Escaped passage of the topic in `language`, matched words in <mark>.",
    )
    language = serializers.ChoiceField(
        choices=CONTENT_LANGUAGES,
        help_text="Language of title_html and snippet: lang, or the other when lang is missing.",
    )
    rank = serializers.FloatField(help_text="Relevance; higher is better.")
    url = serializers.SerializerMethodField(help_text="Absolute URL of the topic page in lang.")

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_url(self, hit) -> str:
        return self.context["topic_url"](hit.topic.slug)


class FacetSerializer(serializers.Serializer):
    """A category or tag with its number of matches; the view passes {"item", "count"}."""

    slug = serializers.CharField(source="item.slug")
    name = BilingualField("name", source="item")
    count = serializers.IntegerField()


class SearchFacetsSerializer(serializers.Serializer):
    categories = FacetSerializer(
        many=True, help_text="Matches per category, ignoring the category filter."
    )
    tags = FacetSerializer(many=True, help_text="Matches per tag among the results.")


class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Number of matching topics.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    query = serializers.CharField(help_text="The query as searched, after clean-up.")
    suggestion = serializers.CharField(
        allow_null=True,
        help_text="A corrected query, when `query` matched nothing; the results are its.",
    )
    notice = serializers.CharField(
        allow_null=True, help_text="Why the query could not run as typed, in lang."
    )
    facets = SearchFacetsSerializer()
    results = SearchHitSerializer(many=True)
