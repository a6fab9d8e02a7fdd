from .content_version import ContentVersionCounter
from .glossary import GlossaryTerm
from .search import SearchTerm, TopicSearchDocument
from .taxonomy import Category, Tag
from .topic import Topic

__all__ = [
    "Category",
    "ContentVersionCounter",
    "GlossaryTerm",
    "SearchTerm",
    "Tag",
    "Topic",
    "TopicSearchDocument",
]
