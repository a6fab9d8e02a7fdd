from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.cheatsheet import CheatSheetError
from kb.content_loader import FIXTURES_DIR, load_content
from kb.importer import ImportFailed


class Command(BaseCommand):
    help = (
        "Load the shipped cheat sheets, taxonomy and glossary from fixtures/. Only "
        "missing rows are created, so edits made in admin or the API are kept; "
        "--update overwrites existing rows to match the files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=FIXTURES_DIR, help="Folder to load.")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite existing topics, terms, categories and tags with the files' values.",
        )

    def handle(self, *args, **options):
        try:
            report = load_content(options["dir"], update=options["update"])
        except (CheatSheetError, ImportFailed, OSError, KeyError, ValueError) as error:
            raise CommandError(f"Loading content from {options['dir']} failed: {error}") from error
        summary = ", ".join(f"{count} {kind}" for kind, count in report.changed.items())
        self.stdout.write(self.style.SUCCESS(f"Content loaded; changed: {summary}."))
