from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .bilingual import pick


class GlossaryTerm(models.Model):
    """A term in both languages; the glossary page, term links and search use it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    term_zh = models.CharField(_("term (Chinese)"), max_length=100)
    term_en = models.CharField(_("term (English)"), max_length=100)
    aliases = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("aliases"),
        blank=True,
        default=list,
        help_text=_("Other spellings in either language, separated by commas."),
    )
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["term_en"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self) -> str:
        return f"{self.term_zh} / {self.term_en}"

    @property
    def definition(self) -> str:
        return pick(self, "definition")

    def all_spellings(self) -> list[str]:
        return [self.term_zh, self.term_en, *self.aliases]
