from django.db import models


class ContentVersionCounter(models.Model):
    """A single row whose value grows with every edit of the content (see kb.cache)."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "content version counter"

    def __str__(self) -> str:
        return f"content version {self.value}"
