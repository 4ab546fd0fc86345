"""Screenshots kept across a failed submit of the web form and the widget.

A form carries a random token (``upload_token``): the web form, the widget, the portal's reply
and the desk's composer. When a submission is refused for any reason (a missing field, a bad
e-mail, a stale version), the screenshots the attachment policy accepted are kept under
that token for ``LIFETIME``; the form shows them as attached, each with a remove button, and
the next submit sends them again through the same policy (re-validated, like a new file). A
successful submit forgets them; the periodic ``sweep`` removes what was abandoned.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from edudesk.intake.attachments import DEFAULT_POLICY, AcceptedImage, Upload, check_uploads
from edudesk.intake.models import PendingUpload
from edudesk.intake.submission import IncomingFile

LIFETIME = timedelta(hours=2)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def token_from(value: str | None) -> str:
    """The form's token when it is one, else a new one (a forged value names nothing)."""
    return value if value and _TOKEN.match(value) else secrets.token_urlsafe(24)


def held(service, token: str) -> list[PendingUpload]:
    return list(PendingUpload.objects.filter(service=service, token=token)
                .defer("data").order_by("position", "id"))


def as_incoming(service, token: str) -> list[IncomingFile]:
    """The kept screenshots as files to check again with the new ones."""
    return [IncomingFile(row.original_name, bytes(row.data),
                         "image/png" if row.format == "PNG" else "image/jpeg")
            for row in PendingUpload.objects.filter(service=service, token=token)
            .order_by("position", "id")[:DEFAULT_POLICY.max_count]]


def keep(service, token: str, images: list[AcceptedImage], now: datetime | None = None) -> None:
    """Keep exactly these accepted images under the token (those kept before are included)."""
    now = now or timezone.now()
    PendingUpload.objects.filter(service=service, token=token).delete()
    PendingUpload.objects.bulk_create([
        PendingUpload(token=token, service=service, position=position, created_at=now,
                      original_name=image.original_name[:255], format=image.format,
                      width=image.width, height=image.height, data=image.data)
        for position, image in enumerate(images[:DEFAULT_POLICY.max_count])])


def keep_accepted(service, token: str, files: list[IncomingFile]) -> None:
    """Keep, of a refused submit's files (those kept before included), what the policy accepts."""
    accepted, _refused = check_uploads(Upload(f.name, f.content, f.declared_type) for f in files)
    keep(service, token, accepted)


def remove(service, token: str, upload_id: str) -> None:
    if str(upload_id).isdigit():
        PendingUpload.objects.filter(service=service, token=token, pk=int(upload_id)).delete()


def forget(service, token: str) -> None:
    PendingUpload.objects.filter(service=service, token=token).delete()


def sweep(now: datetime | None = None) -> int:
    """Remove what abandoned forms left behind; returns how many."""
    now = now or timezone.now()
    return PendingUpload.objects.filter(created_at__lt=now - LIFETIME).delete()[0]
