"""Rebuild the search index of every ticket, with a progress bar; resumes an interrupted run."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from edudesk.search.indexing import CHECKPOINT, reindex_all
from edudesk.search.models import ReindexCheckpoint


class Command(BaseCommand):
    help = "Rebuild the search index (batched; an interrupted run continues where it stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--restart", action="store_true",
                            help="start from the first ticket even if a previous run was interrupted")

    def handle(self, *args, batch_size: int, restart: bool, verbosity: int, **options):
        previous = ReindexCheckpoint.objects.filter(name=CHECKPOINT, finished_at__isnull=True).first()
        if previous and previous.last_ticket_id and not restart and verbosity:
            self.stdout.write(f"Resuming after ticket id {previous.last_ticket_id}.")
        bar = tqdm(unit="ticket", file=sys.stderr, disable=verbosity == 0, dynamic_ncols=True)

        def progress(done: int, total: int | None) -> None:
            if total is not None:
                bar.reset(total=total)
            bar.update(done)

        with bar:
            written = reindex_all(batch_size=max(1, batch_size), restart=restart, progress=progress)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {written} tickets."))
