"""Model fields shared by the apps."""

import zlib

from django.db import models

# Marks a compressed value. A value stored without it (written before the field compressed) is
# read as it is: no mail, image or other stored bytes begin with a NUL byte and «z».
COMPRESSED = b"\x00z"


class CompressedBinaryField(models.BinaryField):
    """Bytes kept zlib-compressed, read back as the bytes written.

    For large, rarely read originals kept as evidence, such as a received mail: its headers,
    text and HTML parts shrink to about a third, base64 attachments to three quarters.
    PostgreSQL's own TOAST compression starts at 2 KB and gives up on base64; SQLite has none.
    """

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is not None and not prepared:
            value = compress(bytes(value))
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(self, value, expression, connection):
        return None if value is None else decompress(bytes(value))


def compress(data: bytes) -> bytes:
    return COMPRESSED + zlib.compress(data, 6)


def decompress(stored: bytes) -> bytes:
    return zlib.decompress(stored[len(COMPRESSED):]) if stored.startswith(COMPRESSED) else stored
