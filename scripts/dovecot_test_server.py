"""Start a throwaway dovecot IMAP server for trying the mail poller by hand.

    .venv/bin/python scripts/dovecot_test_server.py [--port 1143] [--load tests/mail/corpus]

Prints the connection settings for a Mailbox in the admin, optionally appends
the .eml files of a folder to the INBOX, and runs until Ctrl-C. The tests use
the same server class (tests/mail/servers.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _servers_module():
    spec = importlib.util.spec_from_file_location("mail_servers", ROOT / "tests/mail/servers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="IMAP port (default: a free one)")
    parser.add_argument("--load", type=Path, help="append every .eml file of this folder")
    args = parser.parse_args()
    server = _servers_module().DovecotServer(port=args.port).start()
    try:
        if args.load:
            for path in sorted(args.load.glob("*.eml")):
                server.append(path.read_bytes())
        user, password = next(iter(server.users.items()))
        print(f"IMAP on {server.host}:{server.port}, no TLS, user {user!r}, password {password!r}")
        print(f"Maildir under {server.directory}; Ctrl-C stops and deletes it.", flush=True)
        stop_signals = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
        signal.sigwait(stop_signals)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
