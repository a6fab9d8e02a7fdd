from rest_framework import serializers

from kb.models import Category, GlossaryTerm, Tag

from .bilingual import BilingualField


class CategoryRefSerializer(serializers.ModelSerializer):
    """A category as other resources link to it."""

    name = BilingualField("name")

    class Meta:
        model = Category
        fields = ["slug", "name"]


class CategorySerializer(serializers.ModelSerializer):
    name = BilingualField("name")
    description = BilingualField("description")

    class Meta:
        model = Category
        fields = ["slug", "name", "description", "order"]


class TagSerializer(serializers.ModelSerializer):
    name = BilingualField("name")

    class Meta:
        model = Tag
        fields = ["slug", "name", "order"]


class GlossaryTermSerializer(serializers.ModelSerializer):
    term = BilingualField("term")
    definition = BilingualField("definition")

    class Meta:
        model = GlossaryTerm
        fields = ["slug", "term", "aliases", "definition", "updated_at"]
