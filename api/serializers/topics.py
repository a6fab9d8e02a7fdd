from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kb.editing import save_topic
from kb.models import Category, Tag, Topic
from kb.models.bilingual import CONTENT_LANGUAGES

from ..lookups import find_by_slug
from .bilingual import BilingualField
from .taxonomy import CategoryRefSerializer

# Django language code of each content language's pages.
PAGE_LANGUAGE_CODES = {"zh": "zh-hans", "en": "en"}
_SLUG_MARKER = "slug-marker"

BILINGUAL_URL_SCHEMA = {
    "type": "object",
    "properties": {language: {"type": "string", "format": "uri"} for language in CONTENT_LANGUAGES},
    "required": list(CONTENT_LANGUAGES),
}
TOC_ENTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "level": {"type": "integer"},
        "id": {"type": "string"},
        "text": {"type": "string"},
    },
    "required": ["level", "id", "text"],
}
BILINGUAL_TOC_SCHEMA = {
    "type": "object",
    "properties": {
        language: {"type": "array", "items": TOC_ENTRY_SCHEMA} for language in CONTENT_LANGUAGES
    },
    "required": list(CONTENT_LANGUAGES),
}
CALCULATOR_CHOICES = [value for value, _label in Topic.Calculator.choices if value]


def topic_url_templates(request) -> dict[str, str]:
    """Return each language's absolute topic page URL with a marker in place of the slug.

    Reversing once per request instead of once per topic keeps long lists fast.
    """
    templates = {}
    for language, code in PAGE_LANGUAGE_CODES.items():
        with translation.override(code):
            path = reverse("kb:topic-detail", kwargs={"slug": _SLUG_MARKER})
        templates[language] = request.build_absolute_uri(path) if request else path
    return templates


def topic_site_urls(templates: dict[str, str], slug: str) -> dict[str, str]:
    return {language: url.replace(_SLUG_MARKER, slug) for language, url in templates.items()}


@extend_schema_field({"type": "string", "enum": CALCULATOR_CHOICES, "nullable": True})
class CalculatorField(serializers.ChoiceField):
    """The embedded calculator, null when the topic has none (stored as "")."""

    def __init__(self, **kwargs):
        super().__init__(choices=CALCULATOR_CHOICES, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None

    def validate_empty_values(self, data):
        # DRF returns None for null before to_internal_value runs; the column stores "".
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if data == "":
            return ""
        return super().to_internal_value(data)


class TopicTagSerializer(serializers.ModelSerializer):
    name = BilingualField("name")

    class Meta:
        model = Tag
        fields = ["slug", "name"]


class TopicSummarySerializer(serializers.ModelSerializer):
    """A topic without its bodies and tables of contents, as lists show it."""

    title = BilingualField("title")
    summary = BilingualField("summary")
    category = CategoryRefSerializer(allow_null=True)
    tags = TopicTagSerializer(many=True)
    related = serializers.SerializerMethodField(
        help_text="Slugs of related topics that the client may see."
    )
    calculator = CalculatorField()
    complete_languages = serializers.SerializerMethodField(
        help_text="Languages in which both the title and the body are written."
    )
    site_url = serializers.SerializerMethodField(
        help_text="Absolute URL of the topic's page in each language."
    )

    class Meta:
        model = Topic
        fields = [
            "slug",
            "title",
            "summary",
            "status",
            "category",
            "tags",
            "related",
            "calculator",
            "complete_languages",
            "site_url",
            "order",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_related(self, topic: Topic) -> list[str]:
        # Views prefetch the related topics the client may see into visible_related.
        related = getattr(topic, "visible_related", None)
        if related is None:
            related = topic.related.all()
        return [other.slug for other in related]

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": list(CONTENT_LANGUAGES)}}
    )
    def get_complete_languages(self, topic: Topic) -> list[str]:
        complete = []
        for language in CONTENT_LANGUAGES:
            # Lists load no bodies but annotate whether each is written.
            body_written = getattr(topic, f"body_written_{language}", None)
            if body_written is None:
                body_written = bool(getattr(topic, f"body_{language}"))
            if getattr(topic, f"title_{language}") and body_written:
                complete.append(language)
        return complete

    @extend_schema_field(BILINGUAL_URL_SCHEMA)
    def get_site_url(self, topic: Topic) -> dict[str, str]:
        templates = self.context.get("url_templates")
        if templates is None:
            templates = topic_url_templates(self.context.get("request"))
            self.context["url_templates"] = templates
        return topic_site_urls(templates, topic.slug)


class TopicDetailSerializer(TopicSummarySerializer):
    """A topic with its Markdown bodies, their rendered HTML and tables of contents."""

    body_markdown = BilingualField("body")
    body_html = BilingualField(
        "body_html", help_text="Sanitised HTML rendered from body_markdown when it was saved."
    )
    toc = serializers.SerializerMethodField(help_text="Headings of body_html, in order.")

    class Meta(TopicSummarySerializer.Meta):
        fields = [
            *TopicSummarySerializer.Meta.fields,
            "body_markdown",
            "body_html",
            "toc",
            "version",
        ]
        read_only_fields = ["version"]
        extra_kwargs = {
            "version": {
                "help_text": "Grows with every save. Send it back in a write to have the "
                "write rejected with 409 when someone saved the topic in between."
            }
        }

    @extend_schema_field(BILINGUAL_TOC_SCHEMA)
    def get_toc(self, topic: Topic) -> dict[str, list]:
        return {language: getattr(topic, f"toc_{language}") for language in CONTENT_LANGUAGES}


class SlugReferenceField(serializers.SlugRelatedField):
    """A related row given by its slug.

    `unknown_message` is a translatable sentence with %(slug)s, and with
    %(allowed)s when the allowed slugs are few enough to list.
    """

    def __init__(self, *, unknown_message, **kwargs):
        self.unknown_message = unknown_message
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Enter a slug (a string)."), code="invalid")
        found = find_by_slug(self.get_queryset(), data)
        if found is None:
            raise serializers.ValidationError(self._unknown(data), code="does_not_exist")
        return found

    def _unknown(self, slug: str) -> str:
        values = {"slug": slug}
        if "%(allowed)s" in str(self.unknown_message):
            slugs = self.get_queryset().order_by("slug").values_list("slug", flat=True)
            values["allowed"] = ", ".join(slugs)
        return self.unknown_message % values


# Model field names of Topic and the request field that carries each.
MODEL_TO_REQUEST_FIELD = {
    **{f"title_{language}": f"title.{language}" for language in CONTENT_LANGUAGES},
    **{f"summary_{language}": f"summary.{language}" for language in CONTENT_LANGUAGES},
    **{f"body_{language}": f"body_markdown.{language}" for language in CONTENT_LANGUAGES},
    "__all__": "non_field_errors",
}


def request_field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """Key the model's validation errors by the request fields that caused them."""
    errors = {}
    for name, messages in error.message_dict.items():
        errors.setdefault(MODEL_TO_REQUEST_FIELD.get(name, name), []).extend(messages)
    return errors


class TopicWriteSerializer(serializers.Serializer):
    """Fields a client may set; responses use TopicDetailSerializer.

    Checks beyond the JSON types (slug rules and uniqueness, at least one title,
    lengths, the body size limit) are the model's full_clean(), as in admin.
    """

    slug = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=80,
        help_text=(
            "Lowercase ASCII letters, digits and single hyphens. Left out or empty on "
            "creation, it is made from the English title, or the pinyin of the Chinese one."
        ),
    )
    title = BilingualField(
        "title", max_length=200, help_text="At least one language must be non-empty."
    )
    summary = BilingualField("summary", max_length=1000, required=False)
    body_markdown = BilingualField(
        "body",
        max_length=settings.KB_MAX_BODY_CHARS,
        required=False,
        help_text="Markdown; $…$ and $$…$$ for formulas.",
    )
    status = serializers.ChoiceField(choices=Topic.Status.choices, required=False)
    order = serializers.IntegerField(min_value=0, max_value=2_147_483_647, required=False)
    calculator = CalculatorField(required=False)
    category = SlugReferenceField(
        unknown_message=_("No category has the slug “%(slug)s”. Allowed: %(allowed)s."),
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
    )
    tags = SlugReferenceField(
        unknown_message=_("No tag has the slug “%(slug)s”. Allowed: %(allowed)s."),
        queryset=Tag.objects.all(),
        many=True,
        required=False,
    )
    related = SlugReferenceField(
        unknown_message=_("No topic has the slug “%(slug)s”."),
        queryset=Topic.objects.all(),
        many=True,
        required=False,
    )
    version = serializers.IntegerField(
        min_value=0,
        required=False,
        write_only=True,
        help_text=(
            "The topic's `version` from your last read. When the topic was saved since, "
            "the write is rejected with 409 and nothing changes. Ignored on creation."
        ),
    )

    def create(self, validated_data) -> Topic:
        return self._save(Topic(), validated_data)

    def update(self, instance: Topic, validated_data) -> Topic:
        return self._save(instance, validated_data)

    def _save(self, topic: Topic, validated_data: dict) -> Topic:
        data = dict(validated_data)
        # Checked by the view before saving (api.preconditions); not a topic field.
        data.pop("version", None)
        set_category = "category" in data
        category = data.pop("category", None)
        tags = data.pop("tags", None)
        related = data.pop("related", None)
        request = self.context["request"]
        try:
            return save_topic(
                topic,
                fields=data,
                user=request.user,
                reason=f"REST API {request.method}",
                category=category,
                set_category=set_category,
                tags=tags,
                related=related,
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(request_field_errors(error)) from None
