"""Compile a parsed query into tsquery text, expanding glossary terms across languages.

Every operand is a quoted lexeme (kb.search.lexemes.quote_lexeme) or the text
PostgreSQL itself returned for a quoted word, so the result always parses as a
tsquery whatever the reader typed. Latin words become English lexemes (stemmed,
stop words dropped); Chinese words are matched as they are, the way
kb.search.documents indexes them with the `simple` configuration.
"""

import re
from dataclasses import dataclass

from .glossary import GlossaryIndex, token_keys
from .lexemes import combine, english_tsqueries, quote_lexeme, without_phrases
from .query import Clause, ParsedQuery, Unit
from .segmentation import HAN_RUN, Token, script_tokens

_QUOTED_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")


@dataclass(frozen=True)
class QueryTerm:
    """A positive query word (Latin) or run (Chinese), located in the query for corrections."""

    text: str
    start: int
    end: int
    tsquery: str


@dataclass(frozen=True)
class MatchClause:
    query: str
    # False for a clause of exclusions only.
    positive: bool
    # The separate words of a multi-word clause (a glossary phrase, or the
    # dictionary words inside a long Chinese word), each a quoted lexeme.
    words: tuple[str, ...] = ()
    # The glossary key of a clause that is one plain word, "" otherwise.
    glossary_key: str = ""


@dataclass
class CompiledQuery:
    # Matches the documents; "" when no searchable word is left.
    match: str = ""
    # The parts that `match` joins with &, so that a search can retry without
    # the parts that match nothing.
    clauses: tuple["MatchClause", ...] = ()
    # The positive alternatives joined by |, for ts_rank (which ignores operators).
    rank: str = ""
    # The reader's own positive words joined by |, without glossary expansions.
    own_rank: str = ""
    # The words of each glossary spelling that expanded a query word, one
    # quoted lexeme per word ("model deployment" gives ("'model'", "'deploy'")).
    expansions: tuple[tuple[str, ...], ...] = ()
    latin_lexemes: frozenset[str] = frozenset()
    han_words: frozenset[str] = frozenset()
    terms: tuple[QueryTerm, ...] = ()
    has_positive: bool = False
    has_exclusions_only: bool = False


class _Compiler:
    def __init__(self, parsed: ParsedQuery, glossary: GlossaryIndex, prefix_last: bool):
        self.parsed = parsed
        self.glossary = glossary
        self.prefix_last = prefix_last
        self.tokens: dict[Unit, list[Token]] = {}
        self.keys: dict[Unit, list[str]] = {}
        self.positive_parts: list[str] = []
        self.own_parts: list[str] = []
        self.expansions: list[str] = []
        self.words_of: dict[str, tuple[str, ...]] = {}
        self.key_of: dict[str, str] = {}

    def prepare(self) -> None:
        units = [unit for clause in self.parsed.clauses for unit in clause.units]
        for unit in units:
            self.tokens[unit] = self.glossary.segmenter.tokens(unit.text)
        all_tokens = [token for unit in units for token in self.tokens[unit]]
        token_keys(all_tokens)  # one database round trip for every uncached word
        for unit in units:
            self.keys[unit] = token_keys(self.tokens[unit])

    def expanded_terms(
        self, tokens: list[Token], keys: list[str], *, positive: bool = True
    ) -> list[str]:
        """Return one tsquery per word or glossary spelling found in the word sequence.

        With `positive`, the words and their expansions are also recorded for ranking.
        """
        kept = [(token, key) for token, key in zip(tokens, keys, strict=True) if key]
        spans = self.glossary.match([key for _token, key in kept])
        by_start = {start: (end, entries) for start, end, entries in spans}
        terms, index = [], 0
        while index < len(kept):
            if index in by_start:
                end, entries = by_start[index]
                own = combine([self.operand(*kept[i]) for i in range(index, end)], "&")
                expansions = [q for entry in entries for q in entry.tsqueries if q != own]
                term = combine([own, *expansions], "|")
                terms.append(term)
                if end - index > 1:
                    self.words_of[term] = tuple(self.operand(*kept[i]) for i in range(index, end))
                else:
                    self.words_of[term] = self.subwords(*kept[index])
                if positive:
                    self.own_parts.append(own)
                    self.expansions.extend(expansions)
                index = end
            else:
                own = self.operand(*kept[index])
                terms.append(own)
                self.words_of[own] = self.subwords(*kept[index])
                self.key_of[own] = kept[index][1]
                if positive:
                    self.own_parts.append(own)
                index += 1
        return terms

    def subwords(self, token: Token, _key: str) -> tuple[str, ...]:
        """Return the dictionary words inside a Chinese word, quoted; () for a Latin word."""
        if token.kind == "latin":
            return ()
        words = self.glossary.segmenter.cut_with_subwords(token.text)
        return tuple(quote_lexeme(word) for han in words for word in han.subwords)

    def operand(self, token: Token, key: str) -> str:
        return without_phrases(key) if token.kind == "latin" else quote_lexeme(token.text)

    def phrase(self, unit: Unit) -> str:
        """Return a phrase query per script segment of a quoted unit, joined with &."""
        segments: list[tuple[str, list[str]]] = []
        for token in self.tokens[unit]:
            if not segments or segments[-1][0] != token.kind:
                segments.append((token.kind, []))
            segments[-1][1].append(token.text)
        parts = []
        for kind, texts in segments:
            if kind == "latin":
                parts.append(english_tsqueries([" ".join(texts)])[" ".join(texts)])
            else:
                parts.append(combine([quote_lexeme(text) for text in texts], "<->"))
        return combine(parts, "&")

    def unit_query(self, unit: Unit) -> str:
        positive = not unit.negated
        if unit.phrase:
            query = self.phrase(unit)
            if positive:
                self.own_parts.append(query)
        else:
            terms = self.expanded_terms(self.tokens[unit], self.keys[unit], positive=positive)
            query = combine(terms, "&")
        if not query:
            return ""
        if unit.negated:
            return f"!( {query} )"
        self.positive_parts.append(query)
        return query

    def simple_run_query(self, units: list[Unit]) -> list[str]:
        """Compile consecutive plain words together, so glossary phrases span them."""
        tokens = [token for unit in units for token in self.tokens[unit]]
        keys = [key for unit in units for key in self.keys[unit]]
        terms = [term for term in self.expanded_terms(tokens, keys) if term]
        self.positive_parts.extend(terms)
        return terms


def _is_simple(clause: Clause) -> bool:
    unit = clause.units[0]
    return len(clause.units) == 1 and not unit.phrase and not unit.negated


def _prefix_operand(compiler: _Compiler, unit: Unit) -> str | None:
    """Return a prefix query for the last word of `unit`, for instant suggestions."""
    tokens = compiler.tokens[unit]
    if not tokens:
        return None
    last = tokens[-1]
    if last.kind == "han":
        return f"{quote_lexeme(last.text)}:*"
    raw = quote_lexeme(last.text.lower()) + ":*"
    stem = compiler.keys[unit][-1]
    if re.fullmatch(_QUOTED_LEXEME.pattern, stem):
        return f"( {stem}:* | {raw} )"
    return raw


def _query_terms(parsed: ParsedQuery, compiler: _Compiler) -> tuple[QueryTerm, ...]:
    """List each positive plain word, and each Chinese run, with its own tsquery."""
    terms = []
    for clause in parsed.clauses:
        if not _is_simple(clause):
            continue
        unit = clause.units[0]
        for token in script_tokens(unit.text):
            if token.kind == "latin":
                query = without_phrases(english_tsqueries([token.text])[token.text])
            else:
                words = compiler.glossary.segmenter.cut(token.text)
                query = combine([quote_lexeme(word) for word in words], "&")
            if query:
                start = unit.start + token.start
                terms.append(QueryTerm(token.text, start, start + len(token.text), query))
    return tuple(terms)


def _highlight_words(rank_query: str) -> tuple[frozenset[str], frozenset[str]]:
    latin, han = set(), set()
    for match in _QUOTED_LEXEME.finditer(rank_query):
        lexeme = re.sub(r"\\(.)", r"\1", match.group(1).replace("''", "'"))
        (han if HAN_RUN.search(lexeme) else latin).add(lexeme)
    return frozenset(latin), frozenset(han)


def compile_query(
    parsed: ParsedQuery, glossary: GlossaryIndex, *, prefix_last: bool = False
) -> CompiledQuery:
    """Build the match and rank tsqueries of `parsed`.

    With `prefix_last`, the last plain word also matches as a prefix (for
    suggestions while the reader is still typing).
    """
    compiler = _Compiler(parsed, glossary, prefix_last)
    compiler.prepare()

    clause_queries: list[str] = []
    match_clauses: list[MatchClause] = []
    positive_clause = False
    clauses = list(parsed.clauses)
    index = 0
    while index < len(clauses):
        if _is_simple(clauses[index]):
            end = index
            while end < len(clauses) and _is_simple(clauses[end]):
                end += 1
            units = [clause.units[0] for clause in clauses[index:end]]
            terms = compiler.simple_run_query(units)
            if prefix_last and end == len(clauses):
                prefix = _prefix_operand(compiler, units[-1])
                if prefix and terms and compiler.keys[units[-1]][-1]:
                    terms[-1] = combine([terms[-1], prefix], "|")
                elif prefix:
                    terms.append(prefix)
                compiler.positive_parts.append(prefix or "")
                compiler.own_parts.append(prefix or "")
            clause_queries.extend(terms)
            match_clauses.extend(
                MatchClause(
                    term, True, compiler.words_of.get(term, ()), compiler.key_of.get(term, "")
                )
                for term in terms
            )
            positive_clause = positive_clause or bool(terms)
            index = end
            continue

        alternatives = [compiler.unit_query(unit) for unit in clauses[index].units]
        query = combine(alternatives, "|")
        if query:
            positive = any(part and not part.startswith("!") for part in alternatives)
            clause_queries.append(query)
            match_clauses.append(MatchClause(query, positive))
            positive_clause = positive_clause or positive
        index += 1

    match = combine(clause_queries, "&") if positive_clause else ""
    rank = combine(compiler.positive_parts, "|")
    latin, han = _highlight_words(rank)
    return CompiledQuery(
        match=match,
        clauses=tuple(match_clauses),
        rank=rank,
        own_rank=combine(compiler.own_parts, "|"),
        expansions=tuple(
            tuple(match.group() for match in _QUOTED_LEXEME.finditer(expansion))
            for expansion in dict.fromkeys(compiler.expansions)
        ),
        latin_lexemes=latin,
        han_words=han,
        terms=_query_terms(parsed, compiler),
        has_positive=positive_clause,
        has_exclusions_only=bool(clause_queries) and not positive_clause,
    )
