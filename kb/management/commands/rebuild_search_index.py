"""Rebuild every topic's search document and the typo-correction vocabulary."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from kb.models import SearchTerm, Topic
from kb.search.documents import index_topics, topics_for_indexing


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search documents of all topics in one transaction, "
        "with a progress line. Run it after bulk changes made without Topic.save()."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=200,
            help="Topics written per database round trip (default 200).",
        )

    def handle(self, *args, batch_size: int, **options):
        total = Topic.objects.count()
        done = 0
        started = time.monotonic()
        show_progress = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False

        def progress(count: int) -> None:
            nonlocal done
            done += count
            line = _progress_line(done, total, time.monotonic() - started)
            if show_progress:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        with transaction.atomic():
            SearchTerm.objects.all().delete()
            written = index_topics(
                topics_for_indexing(), batch_size=max(1, batch_size), progress=progress
            )
        if show_progress:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {written} search documents in {time.monotonic() - started:.1f} s."
            )
        )


def _progress_line(done: int, total: int, elapsed: float, width: int = 30) -> str:
    fraction = done / total if total else 1.0
    filled = int(width * fraction)
    bar = "#" * filled + "-" * (width - filled)
    return f"[{bar}] {done}/{total} topics ({fraction:.0%}, {elapsed:.1f} s)"
