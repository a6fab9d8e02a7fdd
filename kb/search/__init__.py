"""Full-text search over topics in Chinese and English, shared by pages and the API.

    from kb.search import search, suggest
    results = search("transformer 学习率 warmup", language="zh", page=1)
    for hit in results.hits:
        hit.topic, hit.rank, hit.title_html, hit.snippet_html

`search` raises SearchError subclasses (ValueError) for arguments a client can
fix: InvalidPage and UnknownFilter; each has a stable `code` and a translated
message. Modules: query (syntax), segmentation (Chinese words), glossary
(cross-language terms), tsquery (query compilation), documents (the index),
ranking (SQL), snippets and results (highlighting), typos (did you mean),
engine (these entry points).
"""

from .engine import InvalidPage, SearchError, UnknownFilter, search, suggest
from .results import SearchHit, SearchResults

__all__ = [
    "InvalidPage",
    "SearchError",
    "SearchHit",
    "SearchResults",
    "UnknownFilter",
    "search",
    "suggest",
]
