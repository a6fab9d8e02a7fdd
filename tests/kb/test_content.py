"""The shipped content is the original cheat sheet, complete, with only the listed fixes."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from kb.cheatsheet import parse
from kb.models import GlossaryTerm, Topic

ROOT = Path(settings.BASE_DIR)
SEED = ROOT.parent / "shared" / "seed" / "ml-llm-cheatsheet.zh.md"
FIXTURES = ROOT / "fixtures"

# Each correction made to the original, as (original text, corrected text).
CORRECTIONS = [
    ("网络搜索", "网格搜索"),
    ("consine annealing", "cosine annealing"),
    ("对于位置i和维度d", "对于位置$pos$、维度索引$i$和模型维度$d_{model}$："),
    ("location/{", "location / {"),
    (
        "ln -s/etc/nginx/sites-available/ml_app/etc/nginx/sites-enabled/",
        "ln -s /etc/nginx/sites-available/ml_app /etc/nginx/sites-enabled/",
    ),
    ("是否变化 ，", "是否变化，"),
    ("提供语义匹配精准度", "提高语义匹配精准度"),
    ("分布指令", "分步指令"),
    ("物体识别", "实体识别"),
    ("可以模型细化", "可以让模型细化"),
    ("领域的属于", "领域的术语"),
    ("提高少量任务实力", "提供少量任务示例"),
    ("添加乘法", "添加惩罚"),
]


def content_lines(text: str) -> list[str]:
    """Non-empty lines from the first section on, without indentation or heading marks."""
    body = text[text.index("# 1.") :]
    lines = []
    for line in body.splitlines():
        line = re.sub(r"^-\s+", "- ", line.strip())
        line = re.sub(r"^## ", "", line)
        line = re.sub(r"^\$\$(.*)\$\$$", r"$\1$", line)
        if line:
            lines.append(line)
    return lines


@pytest.fixture(scope="module")
def seed_text():
    if not SEED.exists():
        pytest.skip(f"the original cheat sheet is not at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_chinese_fixture_is_seed_with_listed_corrections(seed_text):
    corrected = seed_text
    for original, fixed in CORRECTIONS:
        assert original in corrected, original
        corrected = corrected.replace(original, fixed)
    fixture = (FIXTURES / "cheatsheet.zh.md").read_text(encoding="utf-8")
    assert content_lines(fixture) == content_lines(corrected)


def test_every_correction_is_listed_for_editors():
    notes = (ROOT / "docs" / "content-notes.md").read_text(encoding="utf-8")
    for original, _fixed in CORRECTIONS:
        key = original.split("/")[0] if original.startswith("ln") else original
        assert key.strip(" ，") in notes, original


def test_english_sheet_mirrors_chinese_structure():
    zh = parse((FIXTURES / "cheatsheet.zh.md").read_text(encoding="utf-8"))
    en = parse((FIXTURES / "cheatsheet.en.md").read_text(encoding="utf-8"))
    assert [s.number for s in en] == [s.number for s in zh]
    fence = re.compile(r"```.*?```", re.S)
    formula = re.compile(r"\$\$.*?\$\$", re.S)
    for chinese, english in zip(zh, en, strict=True):
        assert fence.findall(english.body) == fence.findall(chinese.body)
        assert formula.findall(english.body) == formula.findall(chinese.body)
        assert english.body.count("\n## ") == chinese.body.count("\n## ")


def test_loaded_topics_are_complete_in_both_languages(db):
    topics = Topic.objects.published()
    assert topics.count() == 6
    for topic in topics:
        assert topic.complete_languages == ["zh", "en"], topic.slug
        assert topic.summary_zh
        assert topic.summary_en
        assert topic.category is not None
        assert topic.tags.exists()


def test_calculators_embedded_in_their_topics(db):
    assert Topic.objects.get(slug="transformer-learning-rate").calculator == "lr-schedule"
    assert Topic.objects.get(slug="positional-encoding").calculator == "positional-encoding"


REQUIRED_PAIRS = [
    ("学习率", "learning rate"),
    ("预热", "warmup"),
    ("余弦退火", "cosine annealing"),
    ("位置编码", "positional encoding"),
    ("重排序", "reranking"),
    ("反向代理", "reverse proxy"),
    ("交叉编码器", "cross-encoder"),
    ("数据漂移", "data drift"),
    ("梯度裁剪", "gradient clipping"),
    ("网格搜索", "grid search"),
]


@pytest.mark.parametrize(("chinese", "english"), REQUIRED_PAIRS)
def test_glossary_has_key_pairs(db, chinese, english):
    term = GlossaryTerm.objects.get(term_zh=chinese)
    assert term.term_en.lower() == english
    assert term.definition_zh
    assert term.definition_en


def test_glossary_is_large_and_unique():
    terms = json.loads((FIXTURES / "glossary.json").read_text(encoding="utf-8"))
    assert len(terms) >= 40
    assert len({term["slug"] for term in terms}) == len(terms)
    assert all(term["zh"].strip() and term["en"].strip() for term in terms)


def test_loading_content_twice_changes_nothing(db):
    from kb.content_loader import load_content

    history = Topic.history.count()
    report = load_content()
    assert set(report.changed.values()) == {0}
    assert Topic.history.count() == history


def test_loader_keeps_editor_changes(db):
    from kb.content_loader import load_content

    topic = Topic.objects.get(slug="positional-encoding")
    topic.body_en = "An editor rewrote this body."
    topic.summary_zh = "编辑改过的摘要"
    topic.save()
    topic.tags.set([])

    load_content()
    topic.refresh_from_db()
    assert topic.body_en == "An editor rewrote this body."
    assert topic.summary_zh == "编辑改过的摘要"
    assert not topic.tags.exists()


def test_loader_update_restores_shipped_text(db):
    from kb.content_loader import load_content

    topic = Topic.objects.get(slug="positional-encoding")
    shipped = topic.body_en
    topic.body_en = "An editor rewrote this body."
    topic.save()

    load_content(update=True)
    topic.refresh_from_db()
    assert topic.body_en == shipped


def test_loader_recreates_deleted_topic(db):
    from kb.content_loader import load_content

    Topic.objects.filter(slug="rag-optimization").delete()
    load_content()
    restored = Topic.objects.get(slug="rag-optimization")
    assert restored.complete_languages == ["zh", "en"]
    assert restored.tags.exists()
    assert restored.related.exists()
