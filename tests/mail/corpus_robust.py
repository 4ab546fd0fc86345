"""Mail that used to be refused or lost (tests/mail/corpus/robust/*.eml).

Signed mail (S/MIME and PGP, as Outlook, Thunderbird and Enigmail send it), encrypted mail,
mail without a usable sender (no From, a From without an address, broken headers), and two
different mails under one Message-ID (a scanner that reuses its IDs).
"""

from __future__ import annotations

import base64

SUPPORT = "edu.support@eschool.example"
TEACHER = "a.smirnova@school5-tver.example"
# The opening bytes of a PKCS #7 signedData / envelopedData structure (the rest zeros).
_P7S = b"0\x82\x05\x00\x06\x09*\x86H\x86\xf7\r\x01\x07\x02" + bytes(64)
_P7M = b"0\x80\x06\x09*\x86H\x86\xf7\r\x01\x07\x03" + bytes(96)
TEXT = "Здравствуйте! Не открывается расписание уроков на следующую неделю.\nСмирнова А. В.\n"


def _b64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


def _head(message_id: str, subject: str = "Не открывается расписание",
          sender: str = f"Smirnova Anna <{TEACHER}>") -> str:
    from_line = f"From: {sender}\n" if sender is not None else ""
    return (f"{from_line}To: {SUPPORT}\nSubject: {subject}\n"
            "Date: Tue, 24 Nov 2026 09:41:07 +0300\n"
            f"Message-ID: <{message_id}>\nMIME-Version: 1.0\n")


def _plain_part() -> str:
    return ("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            f"{_b64(TEXT.encode())}\n")


def smime_signed() -> bytes:
    """Outlook's clear-signed mail: multipart/signed with smime.p7s."""
    return (_head("smime.signed.1@school5-tver.example") +
            'Content-Type: multipart/signed; protocol="application/x-pkcs7-signature";\n'
            ' micalg=SHA-256; boundary="sig-1"\n\n'
            "--sig-1\n" + _plain_part() + "--sig-1\n"
            'Content-Type: application/x-pkcs7-signature; name="smime.p7s"\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="smime.p7s"\n\n'
            f"{_b64(_P7S)}\n"
            "--sig-1--\n").encode()


def pgp_mime_signed() -> bytes:
    """Thunderbird/Enigmail: multipart/signed with application/pgp-signature (signature.asc)."""
    return (_head("pgp.signed.1@school5-tver.example") +
            'Content-Type: multipart/signed; micalg=pgp-sha256;\n'
            ' protocol="application/pgp-signature"; boundary="pgp-1"\n\n'
            "--pgp-1\n" + _plain_part() + "--pgp-1\n"
            'Content-Type: application/pgp-signature; name="signature.asc"\n'
            'Content-Disposition: attachment; filename="signature.asc"\n\n'
            "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n=abcd\n"
            "-----END PGP SIGNATURE-----\n"
            "--pgp-1--\n").encode()


def pgp_inline_signed() -> bytes:
    body = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + TEXT +
            "- -- \nСмирнова\n"
            "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEE\n=abcd\n"
            "-----END PGP SIGNATURE-----\n")
    return (_head("pgp.inline.1@school5-tver.example") +
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode() + body.encode()


def pgp_mime_encrypted() -> bytes:
    return (_head("pgp.encrypted.1@school5-tver.example") +
            'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";\n'
            ' boundary="enc-1"\n\n'
            "--enc-1\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
            "--enc-1\n"
            'Content-Type: application/octet-stream; name="encrypted.asc"\n\n'
            "-----BEGIN PGP MESSAGE-----\n\nhQEMA1234567890\n=wxyz\n-----END PGP MESSAGE-----\n"
            "--enc-1--\n").encode()


def smime_encrypted() -> bytes:
    return (_head("smime.encrypted.1@school5-tver.example") +
            'Content-Type: application/pkcs7-mime; smime-type=enveloped-data;\n name="smime.p7m"\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="smime.p7m"\n\n'
            f"{_b64(_P7M)}\n").encode()


def no_from() -> bytes:
    return (_head("no.from.1@school5-tver.example", sender=None) +
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode() + TEXT.encode()


def from_without_address() -> bytes:
    return (_head("from.name.only.1@school5-tver.example", sender="Смирнова Анна") +
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode() + TEXT.encode()


def broken_headers() -> bytes:
    """A webmail that broke the header block: From folded into nonsense, no colon lines."""
    return (b"From: <<<@@>>>\nTo " + SUPPORT.encode() + b"\nSubject: =?utf-8?B?broken\n"
            b"Message-ID: <broken.headers.1@school5-tver.example>\n"
            b"Content-Type: text/plain; charset=utf-8\n\n" + TEXT.encode())


def reused_id(n: int) -> bytes:
    """A document scanner that numbers every mail it sends with the same Message-ID."""
    return (_head("scan@scanner.school5-tver.example", subject=f"Скан {n}",
                  sender="Scanner <scanner@school5-tver.example>") +
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
            ).encode() + f"Отсканированный документ №{n}: журнал 7«Б».\n".encode()


SAMPLES = {
    "smime_signed": smime_signed,
    "pgp_mime_signed": pgp_mime_signed,
    "pgp_inline_signed": pgp_inline_signed,
    "pgp_mime_encrypted": pgp_mime_encrypted,
    "smime_encrypted": smime_encrypted,
    "no_from": no_from,
    "from_without_address": from_without_address,
    "broken_headers": broken_headers,
    "reused_id_first": lambda: reused_id(1),
    "reused_id_second": lambda: reused_id(2),
}


def build() -> dict[str, bytes]:
    return {f"robust/{name}.eml": builder() for name, builder in SAMPLES.items()}
