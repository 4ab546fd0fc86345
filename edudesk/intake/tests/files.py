"""Real bytes of the files users attach: images made by Pillow, documents and archives built
by hand to their minimal valid structure."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


def png(width: int = 64, height: int = 48, mode: str = "RGB", **save_options) -> bytes:
    image = Image.new(mode, (width, height), _colour(mode))
    out = io.BytesIO()
    image.save(out, format="PNG", **save_options)
    return out.getvalue()


def png_with_text_chunk(secret: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", secret)
    return png(pnginfo=info)


def jpeg(width: int = 64, height: int = 48, exif: Image.Exif | None = None, **options) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    if exif is not None:
        options["exif"] = exif
    image.save(out, format="JPEG", **options)
    return out.getvalue()


def jpeg_with_gps_and_orientation() -> bytes:
    """A phone photo of the screen: EXIF orientation 6 (rotated) and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    gps = {1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)}
    exif[0x8825] = gps
    return jpeg(width=80, height=40, exif=exif, comment=b"secret comment")


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (16, 16)).save(out, format="GIF")
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 128, 0)).save(out, format="WEBP")
    return out.getvalue()


def zip_archive(members: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (members or {"картинка1.png": png()}).items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_with_picture() -> bytes:
    """A Word document with a screenshot pasted into it — the case the seed's rule names."""
    return zip_archive(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
            "word/media/image1.png": png(),
        }
    )


def doc_ole() -> bytes:
    """The first sector of a legacy .doc: the OLE2 compound-file header."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3)
    header += struct.pack("<H", 0xFFFE) + struct.pack("<HH", 9, 6)
    return header.ljust(512, b"\x00") + b"\x00" * 512


def _vint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _rar5_header(header_type: int, body: bytes) -> bytes:
    data = _vint(header_type) + _vint(0) + body
    size = _vint(len(data))
    return struct.pack("<I", zlib.crc32(size + data)) + size + data


def rar5_empty_archive() -> bytes:
    """RAR 5 signature, main archive header and end-of-archive header, with their CRCs."""
    return b"Rar!\x1a\x07\x01\x00" + _rar5_header(1, _vint(0)) + _rar5_header(5, _vint(0))


def pdf_one_page() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 30_000) -> bytes:
    """A 1-bit PNG of side×side pixels whose zero rows compress to almost nothing."""
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _colour(mode: str):
    return {"RGB": (30, 90, 200), "RGBA": (30, 90, 200, 128), "L": 128, "P": 3, "1": 1}[mode]
