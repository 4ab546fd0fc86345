"""Throwaway real mail servers for tests and local development.

``DovecotServer`` runs Debian's dovecot (``/usr/sbin/dovecot``) in the
foreground with a configuration written to a temporary directory: IMAP on a
free loopback port, plain-text passwords, Maildir storage, nothing shared with a
system dovecot. ``SmtpCapture`` is an aiosmtpd SMTP server that keeps every
message it receives, so tests read what edudesk sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

DOVECOT = os.environ.get("EDUDESK_DOVECOT", "/usr/sbin/dovecot")
_START_TIMEOUT_SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not listen on {port}")


@dataclass
class DovecotServer:
    """A private dovecot; ``users`` maps login → password (one Maildir each)."""

    users: dict[str, str] = field(default_factory=lambda: {"support": "support-password"})
    host: str = "127.0.0.1"
    port: int = 0
    directory: Path | None = None
    process: subprocess.Popen | None = None

    def _accounts(self) -> tuple[str, str, int, int]:
        """(login user, internal user, mail uid, mail gid) for running as root or not."""
        if os.geteuid() == 0:
            internal = pwd.getpwnam("dovecot")
            return "dovenull", "dovecot", internal.pw_uid, internal.pw_gid
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, os.geteuid(), os.getegid()

    def _write_config(self) -> Path:
        assert self.directory is not None
        login_user, internal_user, uid, gid = self._accounts()
        root = self.directory
        for sub in ("run", "state", "mail", "home"):
            (root / sub).mkdir()
        users = "".join(
            f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{root / 'home' / name}::\n"
            for name, password in self.users.items()
        )
        (root / "users").write_text(users)
        config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {self.host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
mail_fsync = never
default_internal_user = {internal_user}
default_internal_group = {grp.getgrgid(gid).gr_name}
default_login_user = {login_user}
first_valid_uid = {min(uid, 500)}
first_valid_gid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        path = root / "dovecot.conf"
        path.write_text(config)
        for sub in ("mail", "home"):
            os.chown(root / sub, uid, gid)
        return path

    def start(self) -> DovecotServer:
        self.directory = Path(tempfile.mkdtemp(prefix="edudesk-dovecot-"))
        self.directory.chmod(0o755)
        self.port = self.port or free_port()
        config = self._write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for_port(self.port, self.process, self.directory / "dovecot.log")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- helpers for tests -------------------------------------------------------------

    def kick(self, user: str) -> None:
        """Drop every IMAP connection of a user, as a server restart or network cut would."""
        assert self.directory is not None
        subprocess.run(
            [DOVECOT.replace("sbin/dovecot", "bin/doveadm"), "-c",
             str(self.directory / "dovecot.conf"), "kick", user],
            check=True, capture_output=True,
        )

    def connect(self, user: str = "support") -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(user, self.users[user])
        return client

    def append(self, raw: bytes, user: str = "support", folder: str = "INBOX") -> None:
        with self.connect(user) as client:
            client.create(folder)  # "already exists" is answered NO, which is fine
            status, detail = client.append(folder, None, None, raw)
            if status != "OK":
                raise RuntimeError(f"APPEND failed: {detail}")

    def messages(self, user: str = "support", folder: str = "INBOX") -> list[tuple[bytes, str]]:
        """(raw bytes, flags) of every message in a folder, in UID order."""
        with self.connect(user) as client:
            status, _ = client.select(f'"{folder}"', readonly=True)
            if status != "OK":
                return []
            _, data = client.uid("SEARCH", None, "ALL")
            found = []
            for uid in data[0].split():
                _, parts = client.uid("FETCH", uid, "(FLAGS BODY.PEEK[])")
                meta, raw = parts[0]
                found.append((raw, meta.decode()))
            return found


@dataclass
class SmtpCapture:
    """An aiosmtpd SMTP server on a free loopback port that keeps every message."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    controller: object | None = None
    # Seconds each message waits before its 250 (a slow server: deliveries stay in flight).
    delay: float = 0.0

    def start(self) -> SmtpCapture:
        from aiosmtpd.controller import Controller

        capture = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if capture.delay:
                    await asyncio.sleep(capture.delay)
                capture.received.append(
                    (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
                )
                return "250 OK"

        self.port = self.port or free_port()
        self.controller = Controller(Handler(), hostname=self.host, port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> SmtpCapture:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def messages(self):
        """The received mails as ``email.message.EmailMessage`` objects."""
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]
