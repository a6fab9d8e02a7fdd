from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kb.importer import export_text


class Command(BaseCommand):
    help = "Write the topics of one language as a cheat sheet that import_cheatsheet reads."

    def add_arguments(self, parser):
        parser.add_argument("--lang", required=True, choices=["zh", "en"])
        parser.add_argument(
            "--output", "-o", type=Path, help="File to write (default: standard output)."
        )
        parser.add_argument(
            "--include-drafts", action="store_true", help="Export draft topics as well."
        )

    def handle(self, *args, **options):
        text, skipped = export_text(options["lang"], include_drafts=options["include_drafts"])
        for slug in skipped:
            self.stderr.write(f"skipped {slug}: no {options['lang']} title")
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stderr.write(f"wrote {output}")
