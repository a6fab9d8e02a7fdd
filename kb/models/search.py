from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .topic import Topic


class TopicSearchDocument(models.Model):
    """The full-text search document of one topic, rebuilt by kb.search on every save.

    It lives in its own table so that topic queries never load the vectors. The
    status, category, tags and update time are copies of the topic's, so a
    search filters, counts and orders without joining the topic table.
    """

    topic = models.OneToOneField(
        Topic, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    # Titles (weight A), summaries, tags, category and glossary terms (B), bodies (C).
    document = SearchVectorField()
    # Titles (A) with tag and category names (B): small enough to rank thousands of
    # matches per query, where reading every `document` would be too slow.
    head = SearchVectorField()
    # Both titles, for trigram matching in suggestions and typo correction.
    titles = models.TextField(blank=True)
    published = models.BooleanField()
    category_id = models.BigIntegerField(null=True)
    tag_ids = ArrayField(models.BigIntegerField(), default=list)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            GinIndex(fields=["document"], name="kb_search_document_gin"),
            GinIndex(fields=["titles"], opclasses=["gin_trgm_ops"], name="kb_search_titles_trgm"),
        ]

    def __str__(self) -> str:
        return f"search document of topic {self.topic_id}"


class SearchTerm(models.Model):
    """A word that occurs in some topic, offered as a correction of a misspelt query word."""

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="kb_searchterm_trgm")]

    def __str__(self) -> str:
        return self.word
