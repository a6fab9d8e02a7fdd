from .content_version import ContentVersionCounter
from .glossary import GlossaryTerm
from .taxonomy import Category, Tag
from .topic import Topic

__all__ = ["Category", "ContentVersionCounter", "GlossaryTerm", "Tag", "Topic"]
