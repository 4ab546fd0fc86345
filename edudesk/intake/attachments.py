"""The screenshot policy: JPEG or PNG only, judged by content, re-encoded before storage.

The seed's rule: «Формат изображения — .jpeg или .png. Изображения, вставленные в файлы .doc,
.zip или .rar, не принимаются к рассмотрению.» A file's name and declared content type are
never trusted: the bytes are sniffed (magic numbers), then fully decoded by Pillow, then
re-encoded from pixels, which drops metadata (EXIF with GPS, comments, text chunks, ICC) and
anything appended or embedded (polyglots such as a PNG followed by a ZIP).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from edudesk.security import budget

PICTURE_LABEL = "картинка"  # the seed's way to refer to attachments: «картинка1», «картинка2»

SCREENSHOT_RULE_QUOTE = (
    "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются к рассмотрению."
)


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000  # a 8K×5K screenshot; a decompression bomb is far above it
    max_count: int = 10  # per message


DEFAULT_POLICY = AttachmentPolicy()


@dataclass(frozen=True)
class Upload:
    """A file as a channel received it: the name is the sender's, the bytes are the truth."""

    name: str
    data: bytes
    content_type: str = ""


@dataclass(frozen=True)
class AcceptedImage:
    original_name: str
    data: bytes  # re-encoded
    format: str  # "PNG" or "JPEG"
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"

    @property
    def extension(self) -> str:
        return ".png" if self.format == "PNG" else ".jpeg"

    def numbered_name(self, number: int) -> str:
        """«картинка3.png»: the name users and agents use to refer to the third picture."""
        return picture_name(number, self.extension)


@dataclass(frozen=True)
class RefusedFile:
    name: str
    message: str


def picture_label(number: int) -> str:
    return f"{PICTURE_LABEL}{number}"


def picture_name(number: int, extension: str) -> str:
    return f"{picture_label(number)}{extension}"


# --- sniffing -----------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
)


def sniff(data: bytes) -> str:
    """The file's real kind from its first bytes (and, for ZIP, its member names)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "heic"
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return _office_kind(data) if kind == "zip" else kind
    return "unknown"


def _office_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith(("xl/", "ppt/")) for name in names):
        return "office"
    return "zip"


def _kind_description(kind: str) -> str:
    descriptions = {
        "gif": _("изображение GIF"),
        "webp": _("изображение WebP"),
        "heic": _("изображение HEIC/AVIF"),
        "bmp": _("изображение BMP"),
        "tiff": _("изображение TIFF"),
        "pdf": _("документ PDF"),
        "docx": _("документ Word (.docx)"),
        "ole": _("документ Word (.doc) или другой документ Office"),
        "office": _("документ Office"),
        "rtf": _("документ RTF"),
        "zip": _("архив ZIP"),
        "rar": _("архив RAR"),
        "7z": _("архив 7z"),
    }
    return descriptions.get(kind, _("файл неизвестного формата"))


# --- the policy ---------------------------------------------------------------------------


class AttachmentRefused(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


IMAGE_KINDS = frozenset({"gif", "webp", "heic", "bmp", "tiff"})


def refusal_not_an_image(name: str, kind: str) -> str:
    """A picture in another format is told the two formats accepted; the seed's rule about
    pictures inside documents and archives is for documents and archives."""
    if kind in IMAGE_KINDS:
        return _(
            "Файл «%(name)s» не принят: это %(kind)s. Принимаются только снимки экрана в "
            "формате JPEG или PNG: сохраните снимок в одном из них и приложите снова."
        ) % {"name": name, "kind": _kind_description(kind)}
    return _(
        "Файл «%(name)s» не принят: это %(kind)s. "
        "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются к рассмотрению. "
        "Приложите снимок экрана в формате .jpeg или .png."
    ) % {"name": name, "kind": _kind_description(kind)}


def accept_screenshot(upload: Upload, policy: AttachmentPolicy = DEFAULT_POLICY) -> AcceptedImage:
    """Return the re-encoded screenshot, or raise AttachmentRefused with the user's message.

    Steps: size limit → magic bytes (JPEG/PNG only) → header (pixel limit, before decoding) →
    full decode → re-encode from pixels without metadata.
    """
    name = upload.name or _("без имени")
    if len(upload.data) > policy.max_bytes:
        raise AttachmentRefused(
            name,
            _(
                "Файл «%(name)s» слишком большой: снимок экрана может занимать не более "
                "%(limit)s МБ."
            )
            % {"name": name, "limit": _megabytes(policy.max_bytes)},
        )
    kind = sniff(upload.data)
    if kind not in ("png", "jpeg"):
        raise AttachmentRefused(name, refusal_not_an_image(name, kind))
    expected_format = "PNG" if kind == "png" else "JPEG"
    damaged = AttachmentRefused(
        name,
        _(
            "Файл «%(name)s» повреждён или обрезан: его не удалось открыть как изображение "
            ".jpeg или .png. Сохраните снимок экрана заново и приложите его."
        )
        % {"name": name},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(upload.data), formats=[expected_format])
            width, height = image.size
            if width * height > policy.max_pixels:
                raise AttachmentRefused(name, _too_many_pixels(name, width, height, policy))
            try:
                budget.charge(width * height)  # before decoding: a spent budget decodes nothing
            except budget.BudgetSpent:
                raise AttachmentRefused(name, _budget_spent(name)) from None
            with budget.decoding_slot():
                image.load()
                data = _reencode(image, expected_format)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            # Pillow's own guard, for policies that allow more pixels than Pillow does.
            raise AttachmentRefused(name, _bomb_message(name, policy)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise damaged from exc
    return AcceptedImage(
        original_name=name, data=data, format=expected_format, width=width, height=height
    )


def check_uploads(
    uploads: Iterable[Upload],
    policy: AttachmentPolicy = DEFAULT_POLICY,
    already_attached: int = 0,
) -> tuple[list[AcceptedImage], list[RefusedFile]]:
    """Apply the policy to every file of one message; the count limit includes earlier files."""
    accepted: list[AcceptedImage] = []
    refused: list[RefusedFile] = []
    for upload in uploads:
        if already_attached + len(accepted) >= policy.max_count:
            # Over the count: refused without decoding (no work spent on surplus files).
            refused.append(
                RefusedFile(
                    upload.name,
                    _(
                        "К одному сообщению можно приложить не более %(limit)d снимков экрана; "
                        "файл «%(name)s» не принят."
                    )
                    % {"limit": policy.max_count, "name": upload.name},
                )
            )
            continue
        try:
            accepted.append(accept_screenshot(upload, policy))
        except AttachmentRefused as refusal:
            refused.append(RefusedFile(refusal.name, refusal.message))
    return accepted, refused


def _too_many_pixels(name: str, width: int, height: int, policy: AttachmentPolicy) -> str:
    return _(
        "Изображение «%(name)s» слишком большое: %(width)d×%(height)d точек. Допустимо не более "
        "%(limit)s мегапикселей."
    ) % {
        "name": name,
        "width": width,
        "height": height,
        "limit": f"{policy.max_pixels / 1_000_000:g}",
    }


def _budget_spent(name: str) -> str:
    return _(
        "Файл «%(name)s» не принят: снимки экрана одного сообщения вместе слишком большие (не "
        "более %(limit)s мегапикселей на все файлы). Уменьшите их или отправьте в нескольких "
        "сообщениях."
    ) % {"name": name, "limit": f"{settings.EDUDESK_MAX_PIXELS_PER_REQUEST / 1_000_000:g}"}


def _bomb_message(name: str, policy: AttachmentPolicy) -> str:
    return _(
        "Изображение «%(name)s» слишком большое. Допустимо не более %(limit)s мегапикселей."
    ) % {"name": name, "limit": f"{policy.max_pixels / 1_000_000:g}"}


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


_PNG_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"}


def _reencode(image: Image.Image, image_format: str) -> bytes:
    """Pixels only: the new file carries no EXIF, ICC, comments, text chunks or trailers."""
    if image_format == "JPEG":
        # Keep what the user saw: apply the EXIF orientation before the tag is dropped.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("L", "RGB"):
            image = image.convert("RGB")
    elif image.mode not in _PNG_MODES:
        image = image.convert("RGBA")
    transparency = image.info.get("transparency") if image_format == "PNG" else None
    clean = image.copy()
    clean.info = {}
    options: dict[str, object] = {}
    if image_format == "JPEG":
        options = {"quality": 90}
    elif transparency is not None:
        options = {"transparency": transparency}
    out = io.BytesIO()
    clean.save(out, format=image_format, **options)
    return out.getvalue()

