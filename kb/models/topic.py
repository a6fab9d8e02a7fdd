from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..rendering import render_markdown
from ..slugs import MAX_SLUG_LENGTH, SLUG_PATTERN, slug_from_titles, unique_slug
from .bilingual import CONTENT_LANGUAGES, content_language, other_language, pick
from .taxonomy import Category, Tag

slug_validator = RegexValidator(
    SLUG_PATTERN,
    _("Use lowercase ASCII letters, digits and single hyphens, for example lr-schedules."),
    code="invalid_slug",
)


def body_length_validator(value: str) -> None:
    MaxLengthValidator(settings.KB_MAX_BODY_CHARS)(value)


class TopicQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Topic.Status.PUBLISHED)

    def missing(self, language: str):
        """Topics whose title or body is empty in `language` (zh or en)."""
        return self.filter(
            models.Q(**{f"title_{language}": ""}) | models.Q(**{f"body_{language}": ""})
        )

    def complete(self, language: str):
        return self.exclude(pk__in=self.missing(language).values("pk"))


class Topic(models.Model):
    """A cheat-sheet topic in Chinese and English.

    An empty or whitespace-only text counts as not written: titles, summaries and
    bodies are stripped on save, so "" means "not translated" whether the editor
    cleared the field or never filled it in. Browser forms send CRLF line ends,
    which are stored as LF so that equal text compares equal.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Calculator(models.TextChoices):
        NONE = "", _("None")
        LR_SCHEDULE = "lr-schedule", _("Learning-rate schedule")
        POSITIONAL_ENCODING = "positional-encoding", _("Positional encoding")

    slug = models.CharField(
        _("slug"),
        max_length=MAX_SLUG_LENGTH,
        unique=True,
        blank=True,
        validators=[slug_validator],
        help_text=_(
            "Stable ASCII address of the topic. Left empty, it is made from the English "
            "title, or from the pinyin of the Chinese title."
        ),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="topics",
        null=True,
        blank=True,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="topics", blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), max_length=1000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=1000, blank=True)
    body_zh = models.TextField(
        _("body (Chinese, Markdown)"), blank=True, validators=[body_length_validator]
    )
    body_en = models.TextField(
        _("body (English, Markdown)"), blank=True, validators=[body_length_validator]
    )
    body_html_zh = models.TextField(editable=False, blank=True)
    body_html_en = models.TextField(editable=False, blank=True)
    toc_zh = models.JSONField(editable=False, default=list, blank=True)
    toc_en = models.JSONField(editable=False, default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    related = models.ManyToManyField(
        "self", verbose_name=_("related topics"), blank=True, symmetrical=True
    )
    calculator = models.CharField(
        _("embedded calculator"),
        max_length=30,
        choices=Calculator.choices,
        blank=True,
        default=Calculator.NONE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Grows by one on every save. Admin and the API send back the version an
    # editor loaded, and kb.concurrency rejects the save when it is stale.
    version = models.PositiveIntegerField(_("version"), default=0)

    history = HistoricalRecords(
        excluded_fields=["body_html_zh", "body_html_en", "toc_zh", "toc_en"],
        m2m_fields=[tags],
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        indexes = [
            # Lists of published topics: their count and pages in the default order.
            models.Index(fields=["status", "order", "slug"], name="kb_topic_status_order"),
            # max(updated_at) for HTTP validators, and newest-first lists.
            models.Index(fields=["updated_at"], name="kb_topic_updated_at"),
        ]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title_zh or self.title_en or self.slug

    def save(self, *args, **kwargs) -> None:
        self._strip_texts()
        self.render()
        self._next_version()
        # One transaction, so the search document that a post_save receiver of
        # kb.search writes is committed together with the topic.
        with transaction.atomic():
            if self.slug:
                super().save(*args, **kwargs)
                return
            self._save_with_new_slug(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("kb:topic-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self._strip_texts()
        if not self.title_zh and not self.title_en:
            raise ValidationError(
                {"title_zh": _("Enter a title in Chinese or in English (at least one).")}
            )

    def _save_with_new_slug(self, *args, **kwargs) -> None:
        # Two editors may pick the same slug at once; the unique index settles it
        # and the loser retries with the next free suffix.
        base = slug_from_titles(self.title_en, self.title_zh)
        for _attempt in range(5):
            self.slug = unique_slug(base, self._slug_taken)
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                self.slug = ""
        raise IntegrityError(f"Could not find a free slug for base {base!r}")

    def _next_version(self) -> None:
        # Counted from the stored row, so that reverting to an old history entry
        # (which carries an old number) still moves the version forward.
        stored = None
        if self.pk is not None:
            stored = Topic.objects.filter(pk=self.pk).values_list("version", flat=True).first()
        self.version = max(stored or 0, self.version or 0) + 1

    def _slug_taken(self, slug: str) -> bool:
        return Topic.objects.filter(slug=slug).exclude(pk=self.pk).exists()

    def _strip_texts(self) -> None:
        for language in CONTENT_LANGUAGES:
            for name in ("title", "summary", "body"):
                attribute = f"{name}_{language}"
                text = (getattr(self, attribute) or "").replace("\r\n", "\n").strip()
                setattr(self, attribute, text)

    def render(self) -> None:
        """Render both bodies to stored HTML and tables of contents."""
        for language in CONTENT_LANGUAGES:
            rendered = render_markdown(getattr(self, f"body_{language}"))
            setattr(self, f"body_html_{language}", rendered.html)
            setattr(self, f"toc_{language}", rendered.toc)

    # Derived translation state: a language is complete when title and body exist.
    def is_complete(self, language: str) -> bool:
        return bool(getattr(self, f"title_{language}") and getattr(self, f"body_{language}"))

    @property
    def complete_languages(self) -> list[str]:
        return [language for language in CONTENT_LANGUAGES if self.is_complete(language)]

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def summary(self) -> str:
        return pick(self, "summary")

    def shown_language(self, language: str | None = None) -> str:
        """Return the content language a page in `language` shows for this topic."""
        language = language or content_language()
        if self.is_complete(language) or not self.is_complete(other_language(language)):
            return language
        return other_language(language)
