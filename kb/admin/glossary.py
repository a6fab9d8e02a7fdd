from django.contrib import admin

from ..models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term_zh", "term_en", "slug", "updated_at"]
    search_fields = ["term_zh", "term_en", "slug", "aliases"]
    prepopulated_fields = {"slug": ["term_en"]}
    fields = ["slug", ("term_zh", "term_en"), "aliases", ("definition_zh", "definition_en")]
