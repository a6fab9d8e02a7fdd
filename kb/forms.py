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
    )


class TopicViewForm(forms.Form):
    view = forms.ChoiceField(
        choices=[("zh", "中文"), ("en", "English"), ("both", _("Side by side"))],
        required=False,
        label=_("Show"),
    )
