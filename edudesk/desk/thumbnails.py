"""Small previews of screenshots for the conversation, made once and kept in storage.

A screenshot may be a 10 MB PNG; the conversation shows it 160 px wide. The preview is made on
first request from the stored (already re-encoded) image and saved next to the attachments
under a name derived from its content hash, so a moved attachment (merge, split) keeps it.
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from edudesk.tickets.models import Attachment

BOX = (320, 240)


def thumbnail_path(attachment: Attachment) -> str:
    return f"thumbnails/{attachment.sha256 or attachment.pk}.png"


def thumbnail(attachment: Attachment) -> str:
    """The storage path of the attachment's preview, making it when it does not exist yet."""
    path = thumbnail_path(attachment)
    if default_storage.exists(path):
        return path
    with attachment.file.open("rb") as source, Image.open(source) as image:
        image.thumbnail(BOX)
        preview = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        buffer = io.BytesIO()
        preview.save(buffer, format="PNG", optimize=True)
    return default_storage.save(path, ContentFile(buffer.getvalue()))
