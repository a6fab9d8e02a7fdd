"""Read and write cheat sheets in the seed's Markdown form.

A cheat sheet is a title line, then numbered sections `# N. Title`, each followed
by its Markdown body. Text before the first section (title, generated table of
contents) is not content. Exports add `<!-- slug: … -->` under each heading so an
import of an export finds the same topics.
"""

import re
from dataclasses import dataclass

SECTION_HEADING = re.compile(r"^# (\d+)\.\s*(.*?)\s*#*\s*$")
# A body line that would read as a section heading is written with its dot
# escaped (`# 3\. Title`), which renders the same heading in Markdown.
NUMBERED_HEADING = re.compile(r"^# (\d+)\.")
ESCAPED_HEADING = re.compile(r"^# (\d+)\\\.")
SLUG_MARKER = re.compile(r"^<!--\s*slug:\s*([a-z0-9-]+)\s*-->\s*$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
DEFAULT_TITLE = "ML/LLM Cheat Sheet"


class CheatSheetError(ValueError):
    """The file is not a cheat sheet this importer can read."""


@dataclass
class Section:
    number: int
    title: str
    body: str
    slug: str = ""


def decode(raw: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); name the offending byte otherwise."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CheatSheetError(
            f"{name} is not UTF-8 text: byte 0x{raw[error.start]:02x} at offset {error.start} "
            "is invalid. Convert the file to UTF-8 first, for example with "
            f"`iconv -f GBK -t UTF-8 {name} > converted.md`."
        ) from error
    if "\x00" in text:
        raise CheatSheetError(
            f"{name} contains a NUL character at offset {text.index(chr(0))}; "
            "a cheat sheet is plain Markdown text. Remove the character and import again."
        )
    return text


def _lines_outside_fences(lines: list[str]):
    """Yield (index, line) for the lines that are not inside fenced code blocks."""
    fence = None
    for index, line in enumerate(lines):
        opening = FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None:
            yield index, line


def _headings(lines: list[str]):
    """Yield (line index, match) for section headings outside fenced code blocks."""
    for index, line in _lines_outside_fences(lines):
        match = SECTION_HEADING.match(line)
        if match:
            yield index, match


def _rewrite_headings(body: str, pattern: re.Pattern, replacement: str) -> str:
    lines = body.split("\n")
    for index, line in list(_lines_outside_fences(lines)):
        lines[index] = pattern.sub(replacement, line)
    return "\n".join(lines)


def escape_body(body: str) -> str:
    """Escape body lines that `parse` would otherwise take for section headings."""
    return _rewrite_headings(body, NUMBERED_HEADING, r"# \1\\.")


def unescape_body(body: str) -> str:
    return _rewrite_headings(body, ESCAPED_HEADING, r"# \1.")


def parse(text: str, name: str = "the file") -> list[Section]:
    """Split a cheat sheet into its numbered sections.

    Raises CheatSheetError when there is no section, a number repeats or a title is empty.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = list(_headings(lines))
    if not headings:
        raise CheatSheetError(
            f"{name} has no numbered sections. Each topic starts with a line such as `# 1. Title`."
        )

    sections, seen = [], set()
    for position, (start, match) in enumerate(headings):
        number, title = int(match.group(1)), match.group(2).strip()
        if not title:
            raise CheatSheetError(f"Section {number} in {name} (line {start + 1}) has no title.")
        if number in seen:
            raise CheatSheetError(f"Section number {number} appears twice in {name}.")
        seen.add(number)
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        sections.append(_section(number, title, lines[start + 1 : end]))
    return sections


def _section(number: int, title: str, body_lines: list[str]) -> Section:
    slug = ""
    first = next((i for i, line in enumerate(body_lines) if line.strip()), None)
    if first is not None:
        marker = SLUG_MARKER.match(body_lines[first].strip())
        if marker:
            slug = marker.group(1)
            body_lines = body_lines[first + 1 :]
    body = unescape_body("\n".join(body_lines).strip())
    return Section(number=number, title=title, body=body, slug=slug)


def render(sections: list[Section], title: str = DEFAULT_TITLE) -> str:
    """Write sections back in the same form that `parse` reads."""
    blocks = [f"{title}\n---\n"]
    for section in sections:
        block = f"# {section.number}. {section.title}\n"
        if section.slug:
            block += f"<!-- slug: {section.slug} -->\n"
        if section.body:
            block += f"\n{escape_body(section.body)}\n"
        blocks.append(block)
    return "\n".join(blocks)
