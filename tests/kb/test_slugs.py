import pytest

from kb.slugs import FALLBACK_SLUG, MAX_SLUG_LENGTH, ascii_slug, slug_from_titles, unique_slug


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("学习率调度", "xue-xi-lv-diao-du"),
        ("Transformer如何设定learning rate?", "transformer-ru-he-she-ding-learning-rate"),
        ("LoRA微调", "lora-wei-diao"),
        ("Über Café", "uber-cafe"),
        ("  Deploy ML Applications?  ", "deploy-ml-applications"),
    ],
)
def test_ascii_slug_transliterates(title, expected):
    assert ascii_slug(title) == expected


@pytest.mark.parametrize("title", ["", "   ", "？！。", "🙂🙂", "Привет"])
def test_ascii_slug_empty_when_nothing_readable(title):
    assert ascii_slug(title) == ""


def test_english_title_wins_over_chinese():
    assert slug_from_titles("Learning rate", "学习率") == "learning-rate"


def test_chinese_only_title_gets_pinyin_slug():
    assert slug_from_titles("", "注意力机制") == "zhu-yi-li-ji-zhi"


def test_unreadable_titles_fall_back():
    assert slug_from_titles("", "🙂") == FALLBACK_SLUG


def test_long_title_cut_at_word_boundary():
    slug = ascii_slug("word " * 40)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert not slug.endswith("-")
    assert slug.split("-") == ["word"] * len(slug.split("-"))


def test_unique_slug_appends_counter():
    taken = {"attention", "attention-2"}
    assert unique_slug("attention", taken.__contains__) == "attention-3"
    assert unique_slug("fresh", taken.__contains__) == "fresh"


def test_unique_slug_stays_within_max_length():
    base = "a" * MAX_SLUG_LENGTH
    slug = unique_slug(base, {base}.__contains__)
    assert slug.endswith("-2")
    assert len(slug) == MAX_SLUG_LENGTH
