from django.contrib import admin

from ..models import Category, Tag


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["slug", ("name_zh", "name_en"), ("description_zh", "description_en"), "order"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "name_en", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_zh", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = ["slug", ("name_zh", "name_en"), "order"]
