from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Category, Tag
from .search.engine import MAX_QUERY_LENGTH


def _allowed_slugs(queryset) -> str:
    return ", ".join(queryset.order_by("slug").values_list("slug", flat=True))


class CategorySlugField(forms.ModelChoiceField):
    """A category chosen by slug; an unknown slug gets an error that lists the allowed slugs."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.all(), to_field_name="slug", **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise ValidationError(
                _("No category has the slug “%(slug)s”. Allowed: %(allowed)s."),
                code="invalid_choice",
                params={"slug": value, "allowed": _allowed_slugs(self.queryset)},
            ) from None


class TagSlugsField(forms.ModelMultipleChoiceField):
    """Tags chosen by slug; unknown slugs get an error that lists the allowed slugs."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Tag.objects.all(), to_field_name="slug", **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            allowed = list(self.queryset.order_by("slug").values_list("slug", flat=True))
            requested = dict.fromkeys(str(slug) for slug in value or [])
            unknown = [slug for slug in requested if slug not in allowed]
            raise ValidationError(
                _("Unknown tag slugs: %(unknown)s. Allowed: %(allowed)s."),
                code="invalid_choice",
                params={"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)},
            ) from None


class TopicFilterForm(forms.Form):
    category = CategorySlugField(
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )
    tag = TagSlugsField(required=False, label=_("Tags"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices show the name in the page's language, not "中文 / English".
        self.fields["category"].label_from_instance = lambda category: category.name
        self.fields["tag"].label_from_instance = lambda tag: tag.name


class TopicViewForm(forms.Form):
    view = forms.ChoiceField(
        choices=[("zh", "中文"), ("en", "English"), ("both", _("Side by side"))],
        required=False,
        label=_("Show"),
    )


class QueryField(forms.CharField):
    """A search query: control characters such as NUL become spaces instead of errors."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in value).strip()


class SearchForm(forms.Form):
    q = QueryField(max_length=MAX_QUERY_LENGTH, required=False, label=_("Search"))
    page = forms.IntegerField(min_value=1, required=False, label=_("Page"))
    category = CategorySlugField(required=False, label=_("Category"))
    tag = TagSlugsField(required=False, label=_("Tags"))
