from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, Tag


class TopicFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
    )
    tag = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Tags"),
        widget=forms.CheckboxSelectMultiple,
    )

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
    q = QueryField(max_length=10_000, required=False, label=_("Search"))
    page = forms.IntegerField(min_value=1, required=False, label=_("Page"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), to_field_name="slug", required=False, label=_("Category")
    )
    tag = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(), to_field_name="slug", required=False, label=_("Tags")
    )
