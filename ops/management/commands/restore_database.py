from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops.backups import latest_backup, restore


class Command(BaseCommand):
    help = (
        "Replace the database's content with a pg_dump archive (default: the newest "
        "file in var/backups/). Asks for the database name first unless --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", type=Path, help="the .dump file to restore")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, archive=None, interactive=True, **options):
        archive = archive or latest_backup()
        if archive is None:
            raise CommandError("No backup given and none found in var/backups/.")
        if not archive.is_file():
            raise CommandError(f"Backup file not found: {archive}")

        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces every table of database {name!r} with {archive}. "
                "Type the database name to continue: "
            )
            if answer.strip() != name:
                raise CommandError("Restore cancelled: the name did not match.")
        restore(archive)
        self.stdout.write(f"Restored {archive} into {name}")
