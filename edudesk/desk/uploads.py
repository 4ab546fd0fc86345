"""Agents' screenshots follow the same policy as everyone's: JPEG or PNG by content, re-encoded."""

from edudesk.intake.attachments import Upload, check_uploads
from edudesk.tickets.types import NewAttachment


def accept_uploads(files) -> tuple[list[NewAttachment], list[str]]:
    """The accepted images ready for the ticket domain, and the refusals quoting the rule."""
    uploads = [Upload(f.name, f.read(), getattr(f, "content_type", "") or "") for f in files]
    accepted, refused = check_uploads(uploads)
    images = [
        NewAttachment(name=f"screenshot{image.extension}", content=image.data,
                      content_type=image.content_type, width=image.width, height=image.height,
                      original_name=image.original_name[:255])
        for image in accepted
    ]
    return images, [item.message for item in refused]
