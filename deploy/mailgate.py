#!/usr/bin/python3 -SE
"""edudesk mail gate: the MTA pipes one mail here, it goes to the running edudesk server.

Starting the whole application for every piped mail (``manage.py receive_mail``) costs about a
second; this client imports only a few standard modules and posts the message to
``/mail/gate`` of the running server with a shared secret, as Request Tracker's rt-mailgate
does. When the server cannot be reached it runs ``--fallback`` (local processing, e.g.
``receive_mail``) or exits 75 so the MTA keeps the mail and retries.

Postfix master.cf:
    edudesk unix - n n - - pipe flags=Rq user=edudesk argv=/usr/bin/python3 -SE
      /srv/edudesk/deploy/mailgate.py --url http://127.0.0.1:8000/mail/gate --service eschool
      --secret-file /etc/edudesk/mailgate.secret
      --fallback /srv/edudesk/.venv/bin/python /srv/edudesk/manage.py receive_mail --service eschool

Exit status (sysexits): 0 stored (or stored before), 64 nothing to deliver or a bad call,
75 not stored — the MTA retries (also for a wrong secret or an unknown service: a setting to
fix, never a reason to bounce the sender's mail).

Standard library only (socket, urllib.parse); no import of edudesk or Django.
"""

import os
import socket
import sys
from urllib.parse import quote, urlsplit

EX_OK, EX_USAGE, EX_TEMPFAIL = 0, 64, 75
USAGE = ("usage: mailgate.py --url URL --service CODE [--mailbox ADDRESS] "
         "(--secret-file PATH | EDUDESK_MAILGATE_SECRET) [--timeout SECONDS] "
         "[--fallback COMMAND ARGS...]")


class Unreachable(Exception):
    """The server did not answer: try local processing."""


def parse_arguments(argv):
    """A hand-rolled parser: argparse alone would double this script's start-up."""
    options = {"url": "", "service": "", "mailbox": "", "secret-file": "", "timeout": "60"}
    fallback = []
    index = 0
    while index < len(argv):
        name = argv[index]
        if name == "--fallback":
            fallback = argv[index + 1:]
            break
        key = name[2:] if name.startswith("--") else ""
        if key not in options or index + 1 >= len(argv):
            raise ValueError(f"unknown or incomplete option {name!r}")
        options[key] = argv[index + 1]
        index += 2
    if not options["url"] or not options["service"]:
        raise ValueError("--url and --service are required")
    return options, fallback


def read_secret(path):
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get("EDUDESK_MAILGATE_SECRET", "").strip()


def post(url, secret, service, mailbox, raw, timeout):
    """(HTTP status, answer text); Unreachable when there was no HTTP answer.

    HTTP/1.1 written by hand on a socket: http.client alone would triple the start-up
    (it imports the email package and ssl); ssl is imported only for an https URL.
    """
    parts = urlsplit(url)
    https = parts.scheme == "https"
    query = f"service={quote(service)}" + (f"&mailbox={quote(mailbox)}" if mailbox else "")
    path = f"{parts.path or '/'}?{parts.query + '&' if parts.query else ''}{query}"
    head = (f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: Bearer {secret}\r\nContent-Type: message/rfc822\r\n"
            f"Content-Length: {len(raw)}\r\nConnection: close\r\n"
            "User-Agent: edudesk-mailgate\r\n\r\n").encode("latin-1")
    answer = b""
    try:
        with socket.create_connection((parts.hostname, parts.port or (443 if https else 80)),
                                      timeout=timeout) as plain:
            connection = plain
            if https:
                import ssl

                connection = ssl.create_default_context().wrap_socket(
                    plain, server_hostname=parts.hostname)
            connection.sendall(head + raw)
            while chunk := connection.recv(65536):
                answer += chunk
    except (OSError, UnicodeError) as error:
        raise Unreachable(str(error)) from error
    status_line, _, rest = answer.partition(b"\r\n")
    fields = status_line.split(b" ", 2)
    if len(fields) < 2 or not fields[0].startswith(b"HTTP/") or not fields[1].isdigit():
        raise Unreachable(f"no HTTP answer: {status_line[:80]!r}")
    body = rest.partition(b"\r\n\r\n")[2]
    return int(fields[1]), body.decode("utf-8", "replace").strip()


def run_fallback(command, raw):
    if not command:
        return EX_TEMPFAIL
    import subprocess  # only here: it costs start-up time on every mail otherwise

    try:
        return subprocess.run(command, input=raw, check=False).returncode
    except OSError as error:
        print(f"mailgate: fallback failed: {error}", file=sys.stderr)
        return EX_TEMPFAIL


def main(argv=None, stdin=None):
    try:
        options, fallback = parse_arguments(sys.argv[1:] if argv is None else argv)
        secret = read_secret(options["secret-file"])
        timeout = float(options["timeout"])
    except (ValueError, OSError) as error:
        print(f"mailgate: {error}\n{USAGE}", file=sys.stderr)
        return EX_USAGE if isinstance(error, ValueError) else EX_TEMPFAIL
    raw = (stdin or sys.stdin.buffer).read()
    if not raw.strip():
        print("mailgate: no message on standard input", file=sys.stderr)
        return EX_USAGE
    try:
        status, answer = post(options["url"], secret, options["service"], options["mailbox"],
                              raw, timeout)
    except Unreachable as error:
        print(f"mailgate: server unreachable ({error}); "
              + ("processing locally" if fallback else "the MTA will retry"), file=sys.stderr)
        return run_fallback(fallback, raw)
    if status == 200:
        print(answer)
        return EX_OK
    print(f"mailgate: {status} {answer}", file=sys.stderr)
    if status in (413, 502, 504):
        # A proxy in front of a stopped application, or a body above the server's request
        # limit (EDUDESK_MAX_REQUEST_BYTES): local processing keeps even that mail whole.
        return run_fallback(fallback, raw)
    return EX_USAGE if status == 400 else EX_TEMPFAIL


if __name__ == "__main__":
    sys.exit(main())
