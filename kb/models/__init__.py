from .glossary import GlossaryTerm
from .taxonomy import Category, Tag
from .topic import Topic

__all__ = ["Category", "GlossaryTerm", "Tag", "Topic"]
