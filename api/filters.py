"""Query parameters of the topic list: filters and ordering, each invalid value a 400.

DjangoFilterBackend turns form errors into a ValidationError, so every message
here ends up under its parameter name in the error envelope's `fields`.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Count, F, Value
from django.db.models.functions import NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from kb.models import Category, Tag, Topic

from .lookups import find_by_slug, looks_like_slug

TRANSLATION_STATES = ("complete", "missing-en", "missing-zh")
ORDERING_FIELDS = ("title", "title_zh", "title_en", "updated_at", "created_at", "order", "slug")
TITLE_ORDERING_FIELDS = {"title_zh": "title_zh", "title_en": "title_en"}


def split_values(data, name: str) -> list[str]:
    """Read `?name=a,b&name=c` as ["a", "b", "c"]; blank parts are dropped."""
    raw_values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    values = []
    for raw in raw_values:
        values.extend(part.strip() for part in (raw or "").split(",") if part.strip())
    return values


class CommaSeparatedWidget(forms.TextInput):
    """A text input for a list of values; the browsable API's filter form shows it."""

    def value_from_datadict(self, data, files, name):
        return split_values(data, name)

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ",".join(value)
        return super().format_value(value)


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time, converted to UTC.

    Python accepts UTC offsets up to ±23:59 and PostgreSQL only up to ±15:59,
    so the value goes to the database in UTC. A moment outside the years 1 to
    9999 once in UTC is invalid.
    """

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class SlugListField(forms.Field):
    widget = CommaSeparatedWidget

    def to_python(self, value):
        return list(dict.fromkeys(value or []))


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": (
            "Tag slugs, comma-separated or repeated (tags=a,b or tags=a&tags=b). "
            "Only topics that have all of them are listed."
        ),
    }
)
class TagsFilter(django_filters.Filter):
    """Topics that have every one of the given tags."""

    field_class = SlugListField

    def filter(self, queryset, value):
        if not value:
            return queryset
        through = Topic.tags.through
        having_all = (
            through.objects.filter(tag__slug__in=value)
            .values("topic_id")
            .annotate(matched=Count("tag_id"))
            .filter(matched=len(value))
            .values("topic_id")
        )
        return queryset.filter(pk__in=having_all)


def _allowed_list(values) -> str:
    return ", ".join(values)


class TopicFilterForm(forms.Form):
    """Validation that needs the database or the requesting user.

    The filter set puts the request on `self.request` before validation.
    """

    request = None

    def clean_category(self):
        slug = self.cleaned_data.get("category") or ""
        if not slug:
            return None
        category = find_by_slug(Category.objects.all(), slug)
        if category is None:
            allowed = Category.objects.order_by("slug").values_list("slug", flat=True)
            raise forms.ValidationError(
                _("No category has the slug “%(slug)s”. Allowed: %(allowed)s."),
                code="invalid_choice",
                params={"slug": slug, "allowed": _allowed_list(allowed)},
            )
        return category

    def clean_tags(self):
        slugs = self.cleaned_data.get("tags") or []
        # Text that cannot be a slug (NUL bytes, which PostgreSQL rejects, among it)
        # never reaches the query.
        candidates = [slug for slug in slugs if looks_like_slug(slug)]
        found = set(Tag.objects.filter(slug__in=candidates).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            allowed = Tag.objects.order_by("slug").values_list("slug", flat=True)
            raise forms.ValidationError(
                _("Unknown tag slugs: %(unknown)s. Allowed: %(allowed)s."),
                code="invalid_choice",
                params={"unknown": ", ".join(unknown), "allowed": _allowed_list(allowed)},
            )
        return slugs

    def clean_status(self):
        status = self.cleaned_data.get("status") or ""
        user = getattr(self.request, "user", None)
        is_staff = bool(user and user.is_staff)
        if status and status != Topic.Status.PUBLISHED and not is_staff:
            raise forms.ValidationError(
                _(
                    "Only staff users can list drafts, so status=%(status)s is not allowed. "
                    "Use status=published or leave status out."
                ),
                code="staff_only",
                params={"status": status},
            )
        return status

    def clean_ordering(self):
        raw = self.cleaned_data.get("ordering") or ""
        if not raw:
            return []
        terms = raw.split(",")
        invalid = [term for term in terms if term.removeprefix("-") not in ORDERING_FIELDS]
        if invalid:
            raise forms.ValidationError(
                _(
                    "Invalid ordering term “%(term)s”. Use a comma-separated list of "
                    "%(allowed)s, each with an optional leading - for descending order."
                ),
                code="invalid_choice",
                params={"term": invalid[0], "allowed": _allowed_list(ORDERING_FIELDS)},
            )
        return terms


def _title_ordering(field: str, descending: bool):
    # Untranslated titles are stored as "", so they sort last in both directions.
    # NOTE: The database collation decides the order of Chinese titles; with the
    # C.UTF-8 collation of the embedded server that is code-point order, not pinyin.
    expression = NullIf(F(field), Value(""))
    if descending:
        return expression.desc(nulls_last=True)
    return expression.asc(nulls_last=True)


class TopicFilterSet(django_filters.FilterSet):
    category = django_filters.CharFilter(
        method="filter_category", help_text="Category slug (see /api/categories/)."
    )
    tags = TagsFilter()
    status = django_filters.ChoiceFilter(
        choices=Topic.Status.choices,
        help_text=(
            "draft or published. Staff only: other clients may send status=published, "
            "which changes nothing, and get a 400 error for status=draft."
        ),
        error_messages={
            "invalid_choice": gettext_lazy("Unknown status “%(value)s”: use draft or published.")
        },
    )
    updated_after = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text=(
            "Only topics changed after this ISO 8601 date and time, for example "
            "2025-01-31T08:00:00Z. Without an offset the server's time zone applies."
        ),
        error_messages={
            "invalid": gettext_lazy(
                "Enter an ISO 8601 date and time for updated_after, "
                "for example 2025-01-31T08:00:00Z."
            )
        },
    )
    translation = django_filters.ChoiceFilter(
        choices=[(state, state) for state in TRANSLATION_STATES],
        method="filter_translation",
        help_text=(
            "complete: title and body written in both languages; missing-en or "
            "missing-zh: the English or Chinese title or body is empty."
        ),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Unknown translation state “%(value)s”: use complete, missing-en or missing-zh."
            )
        },
    )
    lang = django_filters.ChoiceFilter(
        choices=[("zh", "zh"), ("en", "en")],
        method="filter_nothing",
        help_text="Language of ordering=title: zh (default) or en.",
        error_messages={
            "invalid_choice": gettext_lazy("Unknown language “%(value)s”: use zh or en.")
        },
    )
    ordering = django_filters.CharFilter(
        method="filter_nothing",
        help_text=(
            "Comma-separated sort keys, each with an optional leading - for descending "
            f"order: {', '.join(ORDERING_FIELDS)}. title_zh and title_en sort by the "
            "title in that language with untranslated topics last; title uses the "
            "language given by lang. The default is order, then slug."
        ),
    )

    class Meta:
        model = Topic
        form = TopicFilterForm
        fields = []

    @property
    def form(self):
        form = super().form
        form.request = self.request
        return form

    def filter_category(self, queryset, name, value):
        # clean_category has turned the slug into a Category, or None when empty.
        if value is None or value == "":
            return queryset
        return queryset.filter(category=value)

    def filter_translation(self, queryset, name, value):
        if value == "complete":
            return queryset.complete("zh").complete("en")
        if value == "missing-en":
            return queryset.missing("en")
        if value == "missing-zh":
            return queryset.missing("zh")
        return queryset

    def filter_nothing(self, queryset, name, value):
        # lang and ordering are applied together in filter_queryset.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        terms = self.form.cleaned_data.get("ordering") or []
        if not terms:
            return queryset
        language = self.form.cleaned_data.get("lang") or "zh"
        return queryset.order_by(*self._ordering_expressions(terms, language))

    @staticmethod
    def _ordering_expressions(terms: list[str], language: str) -> list:
        expressions = []
        for term in terms:
            descending = term.startswith("-")
            field = term.removeprefix("-")
            if field == "title":
                field = f"title_{language}"
            if field in TITLE_ORDERING_FIELDS:
                expressions.append(_title_ordering(field, descending))
            else:
                expressions.append(F(field).desc() if descending else F(field).asc())
        # The slug is unique, so pages never overlap or skip topics.
        expressions.append(F("slug").asc())
        return expressions
