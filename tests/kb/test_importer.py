from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kb.cheatsheet import CheatSheetError, decode, parse, render
from kb.importer import ImportFailed, export_sections, import_sections
from kb.models import Topic

SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "ml-llm-cheatsheet.zh.md"
FIXTURE_ZH = Path(settings.BASE_DIR) / "fixtures" / "cheatsheet.zh.md"


@pytest.fixture
def seed_path():
    if not SEED.exists():
        pytest.skip(f"the original cheat sheet is not at {SEED}")
    return SEED


@pytest.fixture
def empty_db(db):
    Topic.objects.all().delete()


def test_seed_parses_into_six_sections(seed_path):
    sections = parse(seed_path.read_text(encoding="utf-8"))
    assert [section.number for section in sections] == [1, 2, 3, 4, 5, 6]
    assert sections[0].title == "Transformer如何设定learning rate?"
    assert sections[2].title == "Deploy ML Applications?"
    assert "```nginx" in sections[2].body
    assert sections[5].body.endswith("增加训练数据的多样性和数量")


def test_seed_import_creates_six_topics_then_changes_nothing(empty_db, seed_path, capsys):
    call_command("import_cheatsheet", str(seed_path), "--lang", "zh")
    assert Topic.objects.count() == 6
    assert Topic.objects.published().count() == 6
    history_before = Topic.history.count()

    call_command("import_cheatsheet", str(seed_path), "--lang", "zh")
    output = capsys.readouterr().out
    assert "0 created, 0 updated, 6 unchanged" in output
    assert Topic.history.count() == history_before


def test_seed_import_slugs_are_readable_ascii(empty_db, seed_path):
    call_command("import_cheatsheet", str(seed_path), "--lang", "zh")
    slugs = list(Topic.objects.order_by("order").values_list("slug", flat=True))
    assert slugs[0] == "transformer-ru-he-she-ding-learning-rate"
    assert slugs[4] == "you-hua-rag"
    assert all(slug.isascii() for slug in slugs)


def test_seed_formula_and_code_survive_import(empty_db, seed_path):
    call_command("import_cheatsheet", str(seed_path), "--lang", "zh")
    positional = Topic.objects.get(order=2)
    assert "10000^{2i/d_{model}}" in positional.body_zh
    assert "<math" in positional.body_html_zh
    deploy = Topic.objects.get(order=3)
    assert '<code class="language-python">' in deploy.body_html_zh


def test_export_then_import_round_trips(db, tmp_path):
    before = {t.slug: (t.title_zh, t.body_zh, t.title_en, t.body_en) for t in Topic.objects.all()}
    for language in ("zh", "en"):
        exported = tmp_path / f"{language}.md"
        call_command("export_cheatsheet", "--lang", language, "--output", str(exported))
        Topic.objects.update(**{f"body_{language}": "", f"title_{language}": "x"})
        call_command("import_cheatsheet", str(exported), "--lang", language)
    after = {t.slug: (t.title_zh, t.body_zh, t.title_en, t.body_en) for t in Topic.objects.all()}
    assert after == before


def test_export_of_shipped_content_matches_fixture_sections(db):
    exported = parse(render(export_sections("zh")[0]))
    shipped = parse(FIXTURE_ZH.read_text(encoding="utf-8"))
    assert [(s.title, s.body) for s in exported] == [(s.title, s.body) for s in shipped]


def test_code_block_lines_are_not_section_headings():
    text = "# 1. Bash\n\n```bash\n# 2. not a heading\necho hi\n```\n\n# 2. Next\n\nbody"
    sections = parse(text)
    assert [s.title for s in sections] == ["Bash", "Next"]
    assert "# 2. not a heading" in sections[0].body


def test_file_without_numbered_sections_is_rejected(empty_db, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nNo numbers here.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no numbered sections"):
        call_command("import_cheatsheet", str(path), "--lang", "zh")
    assert Topic.objects.count() == 0


def test_file_in_wrong_encoding_is_rejected(db, tmp_path):
    path = tmp_path / "gbk.md"
    path.write_bytes("# 1. 学习率\n\n内容".encode("gbk"))
    count = Topic.objects.count()
    with pytest.raises(CommandError, match="not UTF-8") as error:
        call_command("import_cheatsheet", str(path), "--lang", "zh")
    assert "iconv" in str(error.value)
    assert Topic.objects.count() == count


def test_utf8_bom_is_accepted():
    assert decode("\ufeff# 1. 标题\n".encode(), "bom.md").startswith("# 1.")


def test_repeated_section_number_is_rejected():
    with pytest.raises(CheatSheetError, match="appears twice"):
        parse("# 1. A\n\nx\n\n# 1. B\n\ny")


def test_missing_file_gives_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_cheatsheet", str(tmp_path / "missing.md"), "--lang", "zh")


def test_invalid_section_rolls_back_whole_import(db):
    topic = Topic.objects.get(slug="positional-encoding")
    original = topic.title_en
    sections = [
        *parse("# 2. New title\n<!-- slug: positional-encoding -->\n\nbody"),
        *parse("# 9. " + "T" * 300 + "\n\nbody"),
    ]
    with pytest.raises(ImportFailed, match="Section 9"):
        import_sections(sections, "en")
    topic.refresh_from_db()
    assert topic.title_en == original


def test_slug_marker_targets_existing_topic(db):
    sections = parse(
        "# 7. Positional encoding, revised\n<!-- slug: positional-encoding -->\n\nNew."
    )
    report = import_sections(sections, "en")
    assert report.updated == ["positional-encoding"]
    assert Topic.objects.get(slug="positional-encoding").body_en == "New."


def test_numbered_heading_in_body_round_trips(db, tmp_path, make_topic):
    body = "引言\n\n# 3. 正文里的编号标题\n\n```bash\n# 1. not a heading\n```\n\n结尾"
    topic = make_topic(title_zh="往返", body_zh=body)
    exported = tmp_path / "zh.md"
    call_command("export_cheatsheet", "--lang", "zh", "--output", str(exported))
    assert "# 3\\. 正文里的编号标题" in exported.read_text(encoding="utf-8")
    count = Topic.objects.count()

    call_command("import_cheatsheet", str(exported), "--lang", "zh")
    topic.refresh_from_db()
    assert topic.body_zh == body
    assert Topic.objects.count() == count


def test_import_never_overwrites_topic_by_order_alone(db, make_topic):
    edited = make_topic(title_zh="手写的主题", body_zh="编辑写的正文", order=0)
    report = import_sections(parse("# 0. 零\n\nz"), "zh")
    edited.refresh_from_db()
    assert edited.body_zh == "编辑写的正文"
    assert len(report.created) == 1


def test_import_fills_missing_translation_by_order(db, make_topic):
    chinese_only = make_topic(title_zh="只有中文", title_en="", body_en="", order=40)
    report = import_sections(parse("# 40. English only now\n\nEnglish body."), "en")
    chinese_only.refresh_from_db()
    assert report.updated == [chinese_only.slug]
    assert chinese_only.title_en == "English only now"


def test_import_matches_existing_topic_by_title(db, make_topic):
    topic = make_topic(title_en="Warmup basics", body_en="old", order=3)
    report = import_sections(parse("# 8. Warmup basics\n\nnew body"), "en")
    topic.refresh_from_db()
    assert report.updated == [topic.slug]
    assert topic.body_en == "new body"


def test_import_rejects_ambiguous_title(db, make_topic):
    make_topic(title_en="Same title")
    make_topic(title_en="Same title")
    with pytest.raises(ImportFailed, match="several topics"):
        import_sections(parse("# 1. Same title\n\nbody"), "en")


def test_file_with_nul_character_is_rejected(db, tmp_path):
    path = tmp_path / "nul.md"
    path.write_bytes("# 1. 标题\n\n正\x00文".encode())
    with pytest.raises(CommandError, match="NUL character"):
        call_command("import_cheatsheet", str(path), "--lang", "zh")


def test_windows_line_ends_stored_as_unix(make_topic):
    topic = make_topic(body_en="line one\r\nline two\r\n")
    topic.refresh_from_db()
    assert topic.body_en == "line one\nline two"
