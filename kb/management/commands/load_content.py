from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.cheatsheet import CheatSheetError
from kb.content_loader import FIXTURES_DIR, load_content
from kb.importer import ImportFailed


class Command(BaseCommand):
    help = (
        "Load the shipped cheat sheets, taxonomy and glossary from fixtures/. "
        "Rows that already match are left alone, so running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=FIXTURES_DIR, help="Folder to load.")

    def handle(self, *args, **options):
        try:
            report = load_content(options["dir"])
        except (CheatSheetError, ImportFailed, OSError, KeyError, ValueError) as error:
            raise CommandError(f"Loading content from {options['dir']} failed: {error}") from error
        summary = ", ".join(f"{count} {kind}" for kind, count in report.changed.items())
        self.stdout.write(self.style.SUCCESS(f"Content loaded; changed: {summary}."))
