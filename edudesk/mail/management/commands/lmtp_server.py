"""Run the LMTP endpoint: the MTA delivers mail for the mailboxes' addresses here.

Postfix: ``mailbox_transport = lmtp:inet:127.0.0.1:2424`` (or a transport map entry).
"""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from edudesk.mail.lmtp import lmtp_controller


class Command(BaseCommand):
    help = "Receive mail over LMTP and store it in edudesk."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2424)

    def handle(self, *args, host: str, port: int, **options):
        controller = lmtp_controller(host, port)
        controller.start()
        self.stdout.write(f"LMTP on {host}:{port}; Ctrl-C stops.")
        stop_signals = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        try:
            signal.sigwait(stop_signals)
        finally:
            controller.stop()
