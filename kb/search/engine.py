"""The search entry points used by the pages, the suggestions and the REST API."""

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Sequence

from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from ..models import Category, Tag
from ..models.bilingual import CONTENT_LANGUAGES
from .glossary import current_glossary
from .lexemes import combine, quote_lexeme
from .query import MAX_UNITS, parse_query
from .ranking import (
    Filters,
    count_matches,
    counted_categories,
    counted_tags,
    fetch_topics,
    index_scans,
    matches_any,
    num_pages,
    ranked_ids,
)
from .results import SearchResults, build_hits
from .segmentation import HAN_RUN
from .tsquery import CompiledQuery, compile_query
from .typos import corrected_query

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 10_000
MAX_PAGE_SIZE = 100
MAX_SUGGESTION_PREFIX = 200
_DJANGO_LANGUAGE = {"zh": "zh-hans", "en": "en"}


class SearchError(ValueError):
    """Invalid search arguments; `code` is stable for API clients, the message is translated.

    The message is translated when str() is called on the error, into the
    active language at that time: the request's language, not the content
    language that `search` activates while it runs.
    """

    code = "invalid"


class InvalidPage(SearchError):
    """The page number or page size is out of range (the message gives the valid range)."""

    code = "invalid_page"


class UnknownFilter(SearchError):
    """A category or tag slug that does not exist."""

    code = "unknown_filter"


def clean_query(text: str, max_length: int = MAX_QUERY_LENGTH) -> str:
    """Drop control characters (NUL included) and cut the text to `max_length` characters."""
    text = (text or "")[:max_length]
    return "".join(
        " " if unicodedata.category(character) in {"Cc", "Cs"} else character for character in text
    ).strip()


def _check_language(language: str) -> None:
    if language not in CONTENT_LANGUAGES:
        raise ValueError(f"language must be 'zh' or 'en', got {language!r}")


def _translated_on_use(message):
    """Return a lazy string that calls `message()` each time it is converted to str."""
    return lazy(message, str)()


def _resolve_filters(category: str | None, tags: Sequence[str], include_drafts: bool) -> Filters:
    category_id = None
    if category:
        category_id = Category.objects.filter(slug=category).values_list("pk", flat=True).first()
        if category_id is None:
            raise UnknownFilter(
                _translated_on_use(
                    lambda: gettext("No category has the slug “%(slug)s”.") % {"slug": category}
                )
            )
    tag_ids = []
    unique_tags = sorted(set(tags))
    if unique_tags:
        found = dict(Tag.objects.filter(slug__in=unique_tags).values_list("slug", "pk"))
        missing = [slug for slug in unique_tags if slug not in found]
        if missing:
            raise UnknownFilter(
                _translated_on_use(
                    lambda: (
                        gettext("No tag has the slug “%(slug)s”.") % {"slug": ", ".join(missing)}
                    )
                )
            )
        tag_ids = sorted(found.values())
    return Filters(include_drafts, category_id, tuple(tag_ids))


def _missing_page(page: int, count: int) -> InvalidPage:
    def message() -> str:
        template = ngettext(
            "Page %(page)d does not exist: the results have %(count)d page.",
            "Page %(page)d does not exist: the results have %(count)d pages.",
            count,
        )
        return template % {"page": page, "count": count}

    return InvalidPage(_translated_on_use(message))


def _notice(compiled: CompiledQuery, truncated: bool) -> str | None:
    if compiled.has_exclusions_only:
        return gettext(
            "Add a word to search for: exclusions such as -bert only narrow a search down."
        )
    if not compiled.match:
        return gettext(
            "The query has no words to search for, only punctuation or very common "
            "words such as “the” or “的”. Try a more specific word."
        )
    if truncated:
        return gettext("Only the first %(count)d words of the query were used.") % {
            "count": MAX_UNITS
        }
    return None


def _run(
    results: SearchResults, compiled: CompiledQuery, filters: Filters, language: str
) -> SearchResults:
    """Fill `results` with the counts and the requested page of hits of `compiled`."""
    with index_scans():
        facets = count_matches(compiled, filters)
        ranked = []
        if facets.total and results.page <= num_pages(facets.total, results.page_size):
            offset = (results.page - 1) * results.page_size
            ranked = ranked_ids(compiled, filters, offset, results.page_size)
    results.total = facets.total
    results.num_pages = num_pages(facets.total, results.page_size)
    if results.page > results.num_pages:
        raise _missing_page(results.page, results.num_pages)
    results.category_counts = counted_categories(facets.category_counts)
    results.tag_counts = counted_tags(facets.tag_counts)
    if ranked:
        topics = fetch_topics([item.topic_id for item in ranked])
        results.hits = build_hits(topics, ranked, compiled, language)
    return results


def search(
    query: str,
    *,
    language: str = "zh",
    category: str | None = None,
    tags: Sequence[str] = (),
    include_drafts: bool = False,
    page: int = 1,
    page_size: int = 10,
) -> SearchResults:
    """Search published topics (and drafts with `include_drafts`) in both languages.

    `language` ("zh" or "en") picks the language of titles, snippets and the
    notice. `category` and `tags` are slugs; a topic must have every tag.
    When the query matches nothing, misspelt words are corrected with pg_trgm
    and, if the corrected query matches, its results are returned with
    `suggestion` set.

    Raises InvalidPage when page or page_size is out of range. The page must be
    at most num_pages, which is 1 when nothing matches. Raises UnknownFilter for
    a slug that does not exist. Both are SearchError, a ValueError subclass. A
    language other than "zh" or "en" raises a plain ValueError.
    """
    _check_language(language)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidPage(
            gettext("The page size must be between 1 and %(max)d.") % {"max": MAX_PAGE_SIZE}
        )
    if page < 1:
        raise InvalidPage(gettext("The page number must be 1 or more."))

    with translation.override(_DJANGO_LANGUAGE[language]):
        text = clean_query(query)
        results = SearchResults(query=text, page=page, page_size=page_size)
        filters = _resolve_filters(category, tags, include_drafts)
        if not text:
            if page > 1:
                raise _missing_page(page, 1)
            return results

        parsed = parse_query(text)
        compiled = compile_query(parsed, current_glossary())
        results.notice = _notice(compiled, parsed.truncated)
        if not compiled.match:
            if page > 1:
                raise _missing_page(page, 1)
            return results

        try:
            _run(results, compiled, filters, language)
        except InvalidPage as error:
            # Page 2 of a corrected or relaxed search is still a valid request.
            if results.total:
                raise
            missing_page = error
        else:
            missing_page = None
        if results.total == 0:
            _try_correction(results, compiled, filters, language)
        if results.total == 0:
            _try_without_unmatched_words(results, compiled, filters, language)
        if results.total == 0 and missing_page is not None:
            raise missing_page
        return results


_FIRST_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


def _shown_word(clause: str, compiled: CompiledQuery) -> str:
    """Return the query word that a clause came from, or else its first lexeme unquoted."""
    typed = {term.tsquery: term.text for term in compiled.terms}
    if clause in typed:
        return typed[clause]
    found = _FIRST_LEXEME.search(clause)
    if found is None:
        return clause
    return re.sub(r"\\(.)", r"\1", found.group(1).replace("''", "'"))


def _related_glossary_query(key: str, filters: Filters) -> str:
    """Return the spellings, OR-ed, of glossary terms whose multi-word spellings contain `key`.

    Only spellings that match at least one topic are kept; "" when none does.
    """
    glossary = current_glossary()
    entries = glossary.entries_by_word.get(key, []) if key else []
    spellings = [query for entry in entries for query in entry.tsqueries]
    # A Chinese spelling is one dictionary word (正弦位置编码), which topics
    # rarely contain as a whole, so its inner words (正弦, 位置, 编码) are tried too.
    for entry in entries:
        for spelling in entry.spellings:
            inner = [
                quote_lexeme(inner_word)
                for run in HAN_RUN.findall(spelling)
                for word in glossary.segmenter.cut_with_subwords(run)
                for inner_word in word.subwords or (word.word,)
            ]
            spellings.append(combine(inner, "&"))
    return combine([query for query in spellings if query and matches_any(query, filters)], "|")


def _try_without_unmatched_words(
    results: SearchResults, compiled: CompiledQuery, filters: Filters, language: str
) -> None:
    """Search again without the positive words that no topic contains, with a notice naming them.

    One word that occurs nowhere ("位置编码 公式") would otherwise make a query
    whose other words match well find nothing. A glossary phrase or a long
    Chinese word that matches nothing as a whole ("concept drift", 概念漂移)
    is split into its words, and the words that occur are required.
    """
    required: list[str] = []
    unmatched: list[str] = []
    through_glossary: list[str] = []
    has_positive_word = False
    with index_scans():
        for clause in compiled.clauses:
            if not clause.positive:
                required.append(clause.query)
            elif matches_any(clause.query, filters):
                required.append(clause.query)
                has_positive_word = True
            elif not clause.words:
                related = _related_glossary_query(clause.glossary_key, filters)
                if related:
                    required.append(related)
                    has_positive_word = True
                    through_glossary.append(_shown_word(clause.query, compiled))
                else:
                    unmatched.append(clause.query)
            else:
                found = [word for word in clause.words if matches_any(word, filters)]
                required.extend(found)
                has_positive_word = has_positive_word or bool(found)
                unmatched.extend(word for word in clause.words if word not in found)
    # Exclusions alone would match every topic.
    if not (unmatched or through_glossary) or not has_positive_word:
        return
    relaxed = dataclasses.replace(compiled, match=combine(required, "&"))
    attempt = SearchResults(query=results.query, page=results.page, page_size=results.page_size)
    try:
        _run(attempt, relaxed, filters, language)
    except InvalidPage:
        return
    if not attempt.total:
        return
    separator = "、" if language == "zh" else ", "
    notices = [results.notice]
    if unmatched:
        words = separator.join(_shown_word(clause, compiled) for clause in unmatched)
        notices.append(
            gettext("No topic contains every word. Showing results without: %(words)s.")
            % {"words": words}
        )
    if through_glossary:
        notices.append(
            gettext(
                "No topic contains “%(words)s”, so glossary terms that contain it were searched."
            )
            % {"words": separator.join(through_glossary)}
        )
    attempt.notice = " ".join(filter(None, notices))
    results.__dict__.update(attempt.__dict__)


def _try_correction(
    results: SearchResults, compiled: CompiledQuery, filters: Filters, language: str
) -> None:
    with index_scans():
        corrected = corrected_query(results.query, compiled, filters.include_drafts)
    if not corrected:
        return
    corrected_compiled = compile_query(parse_query(corrected), current_glossary())
    if not corrected_compiled.match:
        return
    attempt = SearchResults(query=results.query, page=results.page, page_size=results.page_size)
    try:
        _run(attempt, corrected_compiled, filters, language)
    except InvalidPage:
        return
    if attempt.total:
        attempt.suggestion = corrected
        attempt.notice = results.notice
        results.__dict__.update(attempt.__dict__)
    else:
        logger.debug("Correction %r of %r matched nothing either", corrected, results.query)


def _topic_url(slug: str, language: str) -> str:
    with translation.override(_DJANGO_LANGUAGE[language]):
        return reverse("kb:topic-detail", kwargs={"slug": slug})


def _title_matches(prefix: str, limit: int) -> list[int]:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT topic_id FROM kb_topicsearchdocument
            WHERE published AND titles ILIKE %s
            ORDER BY strpos(lower(titles), lower(%s)), updated_at DESC, topic_id DESC
            LIMIT %s
            """,
            [f"%{escaped}%", prefix, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def suggest(prefix: str, *, language: str, limit: int = 8) -> list[dict]:
    """Return up to `limit` published topics for a partly typed query, best first.

    Topics whose title contains the text come first, then full-text matches
    that treat the last word as a prefix. Each item has "title" (in
    `language`, or the other language when missing), "url" and "slug".
    """
    _check_language(language)
    text = clean_query(prefix, MAX_SUGGESTION_PREFIX)
    if not text or limit < 1:
        return []

    ids = _title_matches(text, limit)
    if len(ids) < limit:
        compiled = compile_query(parse_query(text), current_glossary(), prefix_last=True)
        if compiled.match:
            with index_scans():
                ranked = ranked_ids(compiled, Filters(), 0, limit, rerank=False)
            ids += [item.topic_id for item in ranked if item.topic_id not in ids]
    topics = fetch_topics(ids[:limit])
    return [
        {
            "title": getattr(topic, f"title_{language}") or topic.title,
            "url": _topic_url(topic.slug, language),
            "slug": topic.slug,
        }
        for topic in topics
    ]
