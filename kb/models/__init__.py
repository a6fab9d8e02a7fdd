from .glossary import GlossaryTerm
from .search import SearchTerm, TopicSearchDocument
from .taxonomy import Category, Tag
from .topic import Topic

__all__ = ["Category", "GlossaryTerm", "SearchTerm", "Tag", "Topic", "TopicSearchDocument"]
