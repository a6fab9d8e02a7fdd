from pathlib import Path

from django.core.management.base import BaseCommand

from ops.backups import backup


class Command(BaseCommand):
    help = "Dump the database with pg_dump (custom format) into var/backups/ or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="file to write (default: var/backups/)")

    def handle(self, *args, **options):
        path = backup(options["output"])
        self.stdout.write(str(path))
