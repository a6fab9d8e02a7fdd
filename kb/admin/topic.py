from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from ..concurrency import EditConflict, check_unchanged
from ..models import Topic
from ..rendering import render_markdown


class TopicAdminForm(forms.ModelForm):
    """The topic form, carrying the version the editor loaded so a stale save is rejected."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    # No Meta: ModelAdmin.get_form() adds the model and the fields of the fieldsets.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The history view fills the form from an old record, but a revert is
        # based on the version that is current when the editor opens it.
        if self.instance.pk is not None and not self.is_bound:
            stored = Topic.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.initial["version"] = stored.first()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("version")
        if loaded is None:
            raise forms.ValidationError(
                _("The form is missing the topic's version. Reload the page and edit again."),
                code="missing_version",
            )
        # Admin's change view runs in a transaction, so the row stays locked until saved.
        try:
            check_unchanged(self.instance.pk, loaded)
        except EditConflict as conflict:
            raise forms.ValidationError(conflict.message(), code="edit_conflict") from None
        return cleaned


class TranslationStateFilter(admin.SimpleListFilter):
    title = _("translation state")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("complete", _("Complete in both languages")),
            ("missing-en", _("English missing")),
            ("missing-zh", _("Chinese missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "complete":
            return queryset.complete("zh").complete("en")
        if self.value() == "missing-en":
            return queryset.missing("en")
        if self.value() == "missing-zh":
            return queryset.missing("zh")
        return queryset


@admin.register(Topic)
class TopicAdmin(SimpleHistoryAdmin):
    form = TopicAdminForm
    list_display = ["title_zh", "title_en", "slug", "category", "status", "languages", "updated_at"]
    list_filter = ["status", "category", "tags", TranslationStateFilter]
    search_fields = ["slug", "title_zh", "title_en", "summary_zh", "summary_en"]
    list_select_related = ["category"]
    filter_horizontal = ["tags", "related"]
    readonly_fields = ["languages", "preview_zh", "preview_en", "created_at", "updated_at"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["slug", ("category", "status", "order"), "calculator", "version"]}),
        (
            _("Content"),
            {
                "fields": [
                    ("title_zh", "title_en"),
                    ("summary_zh", "summary_en"),
                    ("body_zh", "body_en"),
                ],
                "classes": ["bilingual"],
                "description": _(
                    "Chinese on the left, English on the right. Bodies are Markdown: "
                    "$…$ and $$…$$ for formulas, ``` for code. An empty field means "
                    "“not yet translated”."
                ),
            },
        ),
        (
            _("Preview of the saved version"),
            {"fields": [("preview_zh", "preview_en")], "classes": ["bilingual", "collapse"]},
        ),
        (_("Links"), {"fields": ["tags", "related"]}),
        (_("State"), {"fields": ["languages", "created_at", "updated_at"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css", "css/pygments.css"]}
        js = ["js/admin-preview.js"]

    @admin.display(description=_("complete languages"))
    def languages(self, topic: Topic) -> str:
        return " + ".join(topic.complete_languages) or "—"

    @admin.display(description=_("Chinese"))
    def preview_zh(self, topic: Topic):
        # Stored HTML was sanitised by kb.rendering when the topic was saved.
        return format_html('<div class="prose">{}</div>', mark_safe(topic.body_html_zh))

    @admin.display(description=_("English"))
    def preview_en(self, topic: Topic):
        return format_html('<div class="prose">{}</div>', mark_safe(topic.body_html_en))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # A topic cannot be related to itself, so it is left out of its own choices.
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        object_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name == "related" and object_id and str(object_id).isdigit():
            field.queryset = field.queryset.exclude(pk=int(object_id))
        return field

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history passes the version from the URL unchecked; a non-number is a 404.
        if not str(version_id).isdigit() or not str(object_id).isdigit():
            raise Http404(_("No version %(version)s of this topic.") % {"version": version_id})
        # Like the change view, a revert runs in one transaction, so the version
        # check in TopicAdminForm.clean() holds its lock until the save.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.markdown_preview))
        return [path("preview/", preview, name="kb_topic_preview"), *super().get_urls()]

    def markdown_preview(self, request):
        """Render posted Markdown the way a saved topic would be rendered."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": "permission denied"}, status=403)
        text = request.POST.get("markdown", "")
        return JsonResponse({"html": render_markdown(text).html})
