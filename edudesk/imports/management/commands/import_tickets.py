"""Import tickets and their history from a previous help desk (JSON Lines, docs/import.md)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from edudesk.imports.services import CHUNK_SIZE, import_lines


class Command(BaseCommand):
    help = ("Import tickets with their messages and status history from a JSON Lines file "
            "(format: docs/import.md). Re-running the same file skips what is already imported.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .jsonl file, or - for standard input")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE,
                            help="tickets per transaction (default %(default)s)")

    def handle(self, *args, path: str, chunk_size: int, verbosity: int, **options):
        try:
            source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        total = None if path == "-" else _count_lines(path)
        bar = tqdm(total=total, unit="ticket", file=sys.stderr, disable=verbosity == 0,
                   dynamic_ncols=True)
        started, cpu = time.perf_counter(), time.process_time()
        with source, bar:
            result = import_lines(source, chunk_size=chunk_size, progress=bar.update)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}")
        if verbosity:
            rate = result.imported / seconds if seconds else 0
            self.stdout.write(
                f"Imported {result.imported} tickets ({rate:.0f}/s, {seconds:.1f} s, "
                f"CPU {cpu:.1f} s in this process); skipped {result.skipped} already imported; "
                f"{len(result.errors)} lines refused.")
        if result.errors:
            raise CommandError(f"{len(result.errors)} lines were not imported (see above).")


def _count_lines(path: str) -> int:
    with open(path, encoding="utf-8") as lines:
        return sum(1 for line in lines if line.strip())
