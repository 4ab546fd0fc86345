"""Bodies sent without a length (Transfer-Encoding: chunked) under the same cap as the rest.

Django reads as many body bytes as Content-Length says; a chunked request has none, so Django
would see it empty (the data silently lost) and no cap would apply. This WSGI wrapper reads such
a body here, at most ``EDUDESK_MAX_REQUEST_BYTES`` + 1 bytes of it, into a spooled temporary
file (memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE``, then disk) and hands it on with its length.
A body longer than the cap is handed on as cap + 1 bytes, which ``RequestLimitsMiddleware``
refuses with 413 before anything reads it; the rest is never read.
"""

from __future__ import annotations

import tempfile

from django.conf import settings

_READ = 64 * 1024


def _is_chunked(environ) -> bool:
    return (not environ.get("CONTENT_LENGTH")
            and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower())


class ChunkedBodyLimit:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not _is_chunked(environ):
            return self.app(environ, start_response)
        body = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
        try:
            size = _spool(environ["wsgi.input"], body, settings.EDUDESK_MAX_REQUEST_BYTES + 1)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(size)
            return _ClosingBody(self.app(environ, start_response), body)
        except BaseException:
            body.close()
            raise


class _ClosingBody:
    """The response, which also closes the spooled body when the server closes it."""

    def __init__(self, response, body):
        self.response, self.body = response, body

    def __iter__(self):
        return iter(self.response)

    def close(self):
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.body.close()


def _spool(stream, body, most: int) -> int:
    """Copy at most `most` bytes of `stream` into `body` (rewound after); returns how many."""
    size = 0
    while size < most:
        chunk = stream.read(min(_READ, most - size))
        if not chunk:
            break
        body.write(chunk)
        size += len(chunk)
    body.seek(0)
    return size
