"""The bilingual object {"zh": …, "en": …} that stands for a pair of `_zh` / `_en` columns."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from kb.models.bilingual import CONTENT_LANGUAGES


class BilingualField(serializers.Field):
    """Columns `<prefix>_zh` and `<prefix>_en` of the instance as one JSON object.

    On input, a language left out of the object keeps its current text on PATCH
    and becomes empty ("not written") on POST and PUT; null counts as empty.
    The returned dict is keyed by column name, so it merges into validated_data
    (with the default source "*"; another source suits read-only use).
    """

    default_error_messages = {
        # DRF fills these in with str.format, hence the doubled braces.
        "not_an_object": _('Enter an object such as {{"zh": "…", "en": "…"}} for {field}.'),
        "unknown_language": _(
            "Unknown language {keys} in {field}: the allowed keys are zh and en."
        ),
        "not_a_string": _("Enter text (a JSON string or null) for {field}.{language}."),
        "null_character": _("Remove the NUL characters from {field}.{language}."),
    }

    def __init__(self, prefix: str, *, max_length: int | None = None, **kwargs):
        self.prefix = prefix
        self.max_length = max_length
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, instance) -> dict:
        return {
            language: getattr(instance, f"{self.prefix}_{language}")
            for language in CONTENT_LANGUAGES
        }

    def to_internal_value(self, data) -> dict:
        if not isinstance(data, dict):
            self.fail("not_an_object", field=self.field_name)
        unknown = sorted(str(key) for key in data if key not in CONTENT_LANGUAGES)
        if unknown:
            self.fail("unknown_language", keys=", ".join(unknown), field=self.field_name)

        partial = bool(self.parent and self.parent.partial)
        values = {}
        for language in CONTENT_LANGUAGES:
            if language not in data and partial:
                continue
            value = data.get(language)
            if value is None:
                value = ""
            if not isinstance(value, str):
                self.fail("not_a_string", field=self.field_name, language=language)
            # PostgreSQL cannot store NUL in text columns.
            if "\x00" in value:
                self.fail("null_character", field=self.field_name, language=language)
            values[f"{self.prefix}_{language}"] = value
        return values


class BilingualFieldExtension(OpenApiSerializerFieldExtension):
    """OpenAPI schema of BilingualField: both keys always in responses, optional in requests."""

    target_class = BilingualField

    def map_serializer_field(self, auto_schema, direction):
        text = {"type": "string"}
        if self.target.max_length is not None:
            text["maxLength"] = self.target.max_length
        schema = {
            "type": "object",
            "properties": {language: dict(text) for language in CONTENT_LANGUAGES},
            "additionalProperties": False,
        }
        if direction == "response":
            schema["required"] = list(CONTENT_LANGUAGES)
        else:
            for language in CONTENT_LANGUAGES:
                schema["properties"][language]["nullable"] = True
        return schema
