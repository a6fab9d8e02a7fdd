"""Split bilingual text into Latin-script words and segmented Chinese words.

Text is cut at script boundaries first, so "LoRA微调" gives the word "LoRA" and
the Chinese run "微调". Chinese runs are segmented with jieba, whose dictionary
also holds the glossary's Chinese spellings (see kb.search.glossary), so domain
terms such as 学习率 or 梯度裁剪 stay single words. Everything else (punctuation,
symbols, emoji, control characters) only separates words.
"""

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import jieba

# CJK Unified Ideographs with extension A and the compatibility block.
HAN_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN_CHARACTERS}]+")
# A Latin-script word: letters and digits of any non-Han script, optionally joined
# by - _ . ' (learning-rate, d_model, 0.5, don't). PostgreSQL's parser splits it further.
_WORD_CHARACTER = f"[^\\W_{HAN_CHARACTERS}]"
LATIN_WORD = re.compile(f"{_WORD_CHARACTER}+(?:[-_.'’]{_WORD_CHARACTER}+)*")
_TOKEN = re.compile(f"(?P<han>{HAN_RUN.pattern})|(?P<latin>{LATIN_WORD.pattern})")

# Function words and question words that carry no meaning in a search. PostgreSQL's `english`
# configuration drops English stop words on its own.
CHINESE_STOP_WORDS = frozenset(
    """
    的 地 得 了 着 过 是 在 和 与 及 或 等 把 被 对 从 向 为 以 于 之 其 这 那 这些 那些 这个
    那个 一个 一种 如何 怎么 怎样 怎么样 什么 吗 呢 吧 啊 呀 也 都 就 而 但 并 且 即 则 要 会
    能 可以 我 你 他 她 它 我们 你们 他们 哪些 哪个 哪里 有 没有 个 些 中 上 下 里
    为什么 为何 需要 应该 是否 能否 可否
    """.split()  # noqa: SIM905 (a word list reads better than 80 quoted strings)
)

# Dictionary words up to this length inside a longer word are indexed as well
# (jieba's "search mode"), so 注意 finds 注意力 and 模型 finds 预训练模型.
_SUBWORD_LENGTHS = (2, 3)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Token:
    """A word of the text: `kind` is "latin" or "han"; start and end index the text."""

    text: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class HanWord:
    """A segmented Chinese word and the dictionary words inside it, sharing one position."""

    word: str
    subwords: tuple[str, ...]


class Segmenter:
    """A jieba tokenizer whose dictionary is the default one plus extra words.

    Instances are never changed after construction: a glossary change builds a
    new one (`with_words`) and swaps the reference, so concurrent requests keep
    a consistent dictionary.
    """

    def __init__(self, tokenizer: jieba.Tokenizer):
        self._tokenizer = tokenizer

    def with_words(self, words: Iterable[str]) -> "Segmenter":
        base = _base_tokenizer()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = dict(base.FREQ)
        tokenizer.total = base.total
        tokenizer.initialized = True
        for word in sorted(set(words)):
            if len(word) >= 2 and HAN_RUN.fullmatch(word):
                tokenizer.add_word(word)
        return Segmenter(tokenizer)

    def cut(self, run: str) -> list[str]:
        """Segment a run of Han characters into words, without stop words.

        The HMM guesser for unknown words is off, so a short query and a long
        document cut the same characters the same way.
        """
        return [
            word
            for word in self._tokenizer.cut(run, HMM=False)
            if word.strip() and word not in CHINESE_STOP_WORDS
        ]

    def tokens(self, text: str) -> list[Token]:
        """Return Latin words and segmented Chinese words of `text` in order.

        Chinese words keep their offsets in `text`, so a caller can map a word
        back to the characters it came from. Chinese stop words are left out.
        """
        tokens = []
        for token in script_tokens(text):
            if token.kind == "latin":
                tokens.append(token)
                continue
            offset = token.start
            for word in self._tokenizer.cut(token.text, HMM=False):
                start, offset = offset, offset + len(word)
                if word.strip() and word not in CHINESE_STOP_WORDS:
                    tokens.append(Token(word, "han", start, offset))
        return tokens

    def cut_with_subwords(self, run: str) -> list[HanWord]:
        words = []
        for word in self.cut(run):
            subwords = []
            for length in _SUBWORD_LENGTHS:
                if len(word) <= length:
                    continue
                for index in range(len(word) - length + 1):
                    piece = word[index : index + length]
                    if self._tokenizer.FREQ.get(piece) and piece not in subwords:
                        subwords.append(piece)
            words.append(HanWord(word, tuple(subwords)))
        return words


_BASE_LOCK = threading.Lock()
_BASE_TOKENIZER: jieba.Tokenizer | None = None


def _base_tokenizer() -> jieba.Tokenizer:
    """Load jieba's default dictionary once per process (about 1.5 s from its cache)."""
    global _BASE_TOKENIZER
    with _BASE_LOCK:
        if _BASE_TOKENIZER is None:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _BASE_TOKENIZER = tokenizer
            logger.info("Loaded the jieba dictionary with %d entries", len(tokenizer.FREQ))
    return _BASE_TOKENIZER


def base_segmenter() -> Segmenter:
    return Segmenter(_base_tokenizer())


def script_tokens(text: str) -> Iterator[Token]:
    """Yield Latin words and whole Han runs of `text` in order, unsegmented."""
    for match in _TOKEN.finditer(text):
        kind = "han" if match.lastgroup == "han" else "latin"
        yield Token(match.group(), kind, match.start(), match.end())


def latin_text(text: str) -> str:
    """Return `text` with its Han runs replaced by spaces, for PostgreSQL's parser."""
    return HAN_RUN.sub(" ", text)
