"""A real local SMTP server for the benchmark: aiosmtpd in a process of its own, counting mail.

    with SmtpSink(directory) as sink:     # sink.port; sink.received() = mails accepted so far
        ...

It answers 250 to every message and appends one line per accepted message (its recipients)
to a file, so the bench counts the acknowledgments that really reached an SMTP server
without the server's own work showing in the bench process's CPU time.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self, directory: Path):
        self.port = free_port()
        self.log = Path(directory) / f"smtp-sink-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> SmtpSink:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text("")
        self.process = subprocess.Popen([sys.executable, __file__, str(self.port), str(self.log)],
                                        start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the SMTP sink did not start")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def received(self) -> int:
        return sum(1 for _ in self.log.open())

    def settings(self) -> dict[str, str]:
        """Environment that points edudesk's SMTP backend at this server."""
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false",
                "EMAIL_USE_SSL": "false"}


def serve(port: int, log: Path) -> None:
    from aiosmtpd.controller import Controller

    out = log.open("a", buffering=1)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            out.write(" ".join(envelope.rcpt_tos) + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
