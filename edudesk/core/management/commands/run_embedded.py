"""Run the web server and the Huey consumer together (the embedded mode of `make run`)."""

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the development web server and the job consumer; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        consumer = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--quiet"])
        self.stdout.write(f"edudesk is running: http://{addrport}/  (Ctrl-C to stop)")
        try:
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            consumer.send_signal(signal.SIGINT)
            try:
                consumer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                consumer.kill()
