from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.cheatsheet import CheatSheetError, decode, parse
from kb.importer import ImportFailed, import_sections
from kb.models import Topic


class Command(BaseCommand):
    help = (
        "Create or update topics from a cheat sheet in Markdown with numbered "
        "`# N. Title` sections. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="UTF-8 Markdown file to import.")
        parser.add_argument(
            "--lang", required=True, choices=["zh", "en"], help="Language of the file's text."
        )
        parser.add_argument(
            "--status",
            choices=[choice for choice, _label in Topic.Status.choices],
            default=Topic.Status.PUBLISHED,
            help="Status given to topics the import creates (default: published).",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            sections = parse(decode(raw, str(path)), str(path))
            report = import_sections(sections, options["lang"], status=options["status"])
        except (CheatSheetError, ImportFailed) as error:
            raise CommandError(str(error)) from error

        for slug in report.created:
            self.stdout.write(f"created   {slug}")
        for slug in report.updated:
            self.stdout.write(f"updated   {slug}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(sections)} sections: {len(report.created)} created, "
                f"{len(report.updated)} updated, {len(report.unchanged)} unchanged."
            )
        )
