"""Write the e-mail test corpus (tests/mail/corpus/*.eml).

The mails imitate what edudesk receives from the people in the seeds (a teacher of
a Tver school writing to the e-school support, a course author of an LMS vendor,
an Outlook user in a ministry) and from the machines around them (mail servers,
out-of-office replies, newsletters). They are built byte by byte so that each
charset, transfer encoding and MIME shape is exactly the one under test. Run
``python tests/mail/build_corpus.py`` after changing a mail; the output is
deterministic and committed.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import quopri
import struct
import sys
import zipfile
from pathlib import Path

from PIL import Image

CORPUS = Path(__file__).with_name("corpus")
SUPPORT = "edu.support@eschool.example"
LMS_SUPPORT = "support@uchipro.example"
TEACHER = "Смирнова Анна Викторовна"
TEACHER_ADDRESS = "a.smirnova@school5-tver.example"
EDUDESK_NOTIFICATION_ID = "inc0000123.registered.3f2a@eschool.example"


def png(width: int = 48, height: int = 32, colour: tuple[int, int, int] = (30, 110, 200)) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    for x in range(width):
        image.putpixel((x, height // 2), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 40)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def zip_with_screenshot() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("картинка1.png", date_time=(2026, 11, 24, 9, 30, 0))
        archive.writestr(info, png())
    return out.getvalue()


def b64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.encode(charset)).decode("ascii")


def word(text: str, charset: str = "utf-8", encoding: str = "B") -> str:
    """An RFC 2047 encoded word."""
    data = text.encode(charset)
    if encoding == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    body = "".join(
        chr(b) if (chr(b).isalnum() and b < 128) else ("_" if b == 32 else f"={b:02X}")
        for b in data
    )
    return f"=?{charset}?Q?{body}?="


def tnef_blob(files: list[tuple[str, bytes]], body: str) -> bytes:
    """A minimal winmail.dat as Outlook writes it: TNEF attributes with checksums."""

    def attribute(level: int, attr_id: int, attr_type: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        header = struct.pack("<BHHI", level, attr_id, attr_type, len(data))
        return header + data + struct.pack("<H", checksum)

    blob = struct.pack("<IH", 0x223E9F78, 0x0001)
    blob += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # TNEF version
    blob += attribute(1, 0x9007, 0x0006, struct.pack("<II", 1251, 0))  # OEM codepage
    blob += attribute(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")
    blob += attribute(1, 0x800C, 0x0002, body.encode("cp1251") + b"\x00")  # body
    for name, data in files:
        blob += attribute(2, 0x9002, 0x0006, b"\x01\x00\xff\xff\xff\xff" + b"\x00" * 8)
        blob += attribute(2, 0x8010, 0x0001, name.encode() + b"\x00")
        blob += attribute(2, 0x800F, 0x0006, data)
    return blob


def headers(
    *,
    sender: str,
    to: str,
    subject: str,
    message_id: str | None,
    date: str = "Tue, 24 Nov 2026 09:41:07 +0300",
    extra: str = "",
) -> str:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    lines.append("MIME-Version: 1.0")
    text = "\n".join(lines) + "\n"
    return text + extra


NEW_REQUEST = """Здравствуйте!

Регион: Тверская область
ФИО: Смирнова Анна Викторовна
Учреждение: МБОУ СОШ №5, г. Тверь
Логин инициатора: smirnova_av
Логин, под которым наблюдается проблема: smirnova_av
Контакты: a.smirnova@school5-tver.example, +7 910 555-12-34

При выставлении оценок в электронном журнале 7«Б» класса (алгебра, 23.11.2026)
появляется сообщение «Ошибка сохранения». Браузер: Яндекс Браузер 24.10.
Снимок экрана во вложении — «картинка1».

С уважением,
Анна Викторовна
"""

# Only characters that every Cyrillic charset has (KOI8-R lacks "№" and guillemets).
SHORT_REQUEST = (
    "Здравствуйте! Не открывается расписание уроков на следующую неделю,\n"
    'пишет "Нет доступа". Смирнова А. В., МБОУ СОШ 5, г. Тверь.'
)


def utf8_new_request_with_png() -> bytes:
    boundary = "----=_Part_4417_1170352815.1795941667000"
    text = headers(
        sender=f'"{word(TEACHER)}" <{TEACHER_ADDRESS}>',
        to=f"Техподдержка <{SUPPORT}>".replace("Техподдержка", word("Техподдержка")),
        subject=word("Ошибка сохранения оценок в журнале 7«Б»"),
        message_id="1795941667.4417@school5-tver.example",
        extra=(
            "X-Mailer: Yandex Mail\n"
            f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
            f"--{boundary}\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(NEW_REQUEST.encode())}\n"
            f"--{boundary}\n"
            'Content-Type: image/png; name="=?utf-8?B?0LrQsNGA0YLQuNC90LrQsDEucG5n?="\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="=?utf-8?B?0LrQsNGA0YLQuNC90LrQsDEucG5n?="\n\n'
            f"{b64(png())}\n"
            f"--{boundary}--\n"
        ),
    )
    return text.encode("ascii")


def eight_bit(charset: str, subject_encoding: str, transfer: str = "8bit") -> bytes:
    body_text = SHORT_REQUEST
    head = headers(
        sender=f"{word('Смирнова Анна', charset, subject_encoding)} <{TEACHER_ADDRESS}>",
        to=SUPPORT,
        subject=word("Не открывается расписание", charset, subject_encoding),
        message_id=f"{charset}.20261124.0941@school5-tver.example",
        extra=(
            f"Content-Type: text/plain; charset={charset}\n"
            f"Content-Transfer-Encoding: {transfer}\n\n"
        ),
    )
    if transfer == "quoted-printable":
        return head.encode("ascii") + qp(body_text, charset).encode("ascii")
    return head.encode("ascii") + body_text.encode(charset) + b"\n"


def mislabelled_cp1251_as_latin1() -> bytes:
    """An old mail program: body and subject in Windows-1251, labelled ISO-8859-1 or nothing."""
    head = f"From: {TEACHER_ADDRESS}\nTo: {SUPPORT}\nSubject: "
    subject_raw = "Не открывается расписание".encode("cp1251")
    rest = (
        "\nDate: Tue, 24 Nov 2026 10:02:00 +0300\n"
        "Message-ID: <mislabelled.cp1251@school5-tver.example>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\n\n"
    )
    body = SHORT_REQUEST.encode("cp1251") + b"\n"
    return head.encode("ascii") + subject_raw + rest.encode("ascii") + body


def mislabelled_utf8_as_koi8r() -> bytes:
    head = headers(
        sender=TEACHER_ADDRESS,
        to=SUPPORT,
        subject=word("Не открывается расписание"),
        message_id="mislabelled.utf8@school5-tver.example",
        extra="Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit\n\n",
    )
    return head.encode("ascii") + SHORT_REQUEST.encode("utf-8") + b"\n"


HTML_ONLY_BODY = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<style>p { margin: 0 }</style><script>document.location='http://evil.example/'</script></head>
<body><div>Добрый день!</div><div>&nbsp;</div>
<div>При входе в СДО курс <b>«Охрана труда для педагогов»</b> не загружается, крутится индикатор.</div>
<ul><li>Организация: ООО «Учебный центр Профи»</li><li>Ссылка на СДО: <a href="https://profi.uchipro.example/">https://profi.uchipro.example/</a></li>
<li>Роль: преподаватель</li><li>Телефон: +7 495 123-45-67</li></ul>
<p onclick="steal()">Браузер Chrome 131.</p>
<img src="https://tracker.example/pixel.gif" width="1" height="1">
</body></html>
"""


def html_only() -> bytes:
    head = headers(
        sender=f"{word('Петров Игорь Сергеевич')} <i.petrov@profi-center.example>",
        to=LMS_SUPPORT,
        subject=word("Не загружается курс «Охрана труда»", "windows-1251"),
        message_id="html-only.77120@profi-center.example",
        extra=(
            "Content-Type: text/html; charset=windows-1251\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
        ),
    )
    return head.encode("ascii") + qp(HTML_ONLY_BODY, "windows-1251").encode("ascii")


def nested_with_inline_image_and_zip() -> bytes:
    """mixed( related( alternative(plain, html), inline png ), zip with RFC 2231 name )."""
    plain = "Добрый день! Ошибка на странице отчёта, см. картинку ниже.\nБраузер Firefox 133.\n"
    html = (
        '<div>Добрый день! Ошибка на странице отчёта, см. картинку ниже.</div>'
        '<div><img src="cid:part1.screen@school5-tver.example" alt="картинка1"></div>'
        "<div>Браузер Firefox 133.</div>"
    )
    zip_name = "скриншоты.zip"
    zip_name_2231 = "utf-8''" + "".join(f"%{b:02X}" for b in zip_name.encode())
    text = headers(
        sender=f"{word(TEACHER)} <{TEACHER_ADDRESS}>",
        to=SUPPORT,
        subject=word("Ошибка в отчёте по успеваемости"),
        message_id="nested.5511@school5-tver.example",
        extra=(
            "User-Agent: Mozilla Thunderbird\n"
            'Content-Type: multipart/mixed; boundary="mixed-1"\n\n'
            "This is a multi-part message in MIME format.\n"
            "--mixed-1\n"
            'Content-Type: multipart/related; boundary="related-1"\n\n'
            "--related-1\n"
            'Content-Type: multipart/alternative; boundary="alt-1"\n\n'
            "--alt-1\n"
            "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(plain.encode())}\n"
            "--alt-1\n"
            "Content-Type: text/html; charset=UTF-8\n"
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(html.encode())}\n"
            "--alt-1--\n\n"
            "--related-1\n"
            "Content-Type: image/png\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-ID: <part1.screen@school5-tver.example>\n"
            "Content-Disposition: inline\n\n"
            f"{b64(png(64, 40))}\n"
            "--related-1--\n\n"
            "--mixed-1\n"
            "Content-Type: application/zip\n"
            "Content-Transfer-Encoding: base64\n"
            f"Content-Disposition: attachment;\n filename*={zip_name_2231}\n\n"
            f"{b64(zip_with_screenshot())}\n"
            "--mixed-1--\n"
        ),
    )
    return text.encode("ascii")


def forwarded_message() -> bytes:
    inner = utf8_new_request_with_png().decode("ascii")
    intro = (
        "Коллеги, пересылаю обращение учителя нашей школы, прошу зарегистрировать.\n"
        "Завуч МБОУ СОШ №5 Кузнецова Е. П.\n"
    )
    text = headers(
        sender=f"{word('Кузнецова Елена Петровна')} <e.kuznetsova@school5-tver.example>",
        to=SUPPORT,
        subject=word("Fwd: Ошибка сохранения оценок в журнале 7«Б»"),
        message_id="fwd.8123@school5-tver.example",
        date="Tue, 24 Nov 2026 11:15:40 +0300",
        extra=(
            'Content-Type: multipart/mixed; boundary="fwd-boundary"\n\n'
            "--fwd-boundary\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(intro.encode())}\n"
            "--fwd-boundary\n"
            "Content-Type: message/rfc822\n"
            "Content-Disposition: attachment\n\n"
            f"{inner}\n"
            "--fwd-boundary--\n"
        ),
    )
    return text.encode("ascii")


def bounce_dsn() -> bytes:
    original = (
        f"From: {word('Техподдержка «Электронная школа»')} <{SUPPORT}>\n"
        "To: smirnova.old@school5-tver.example\n"
        f"Subject: {word('[INC0000123] Обращение зарегистрировано')}\n"
        f"Message-ID: <{EDUDESK_NOTIFICATION_ID}>\n"
        "Date: Tue, 24 Nov 2026 09:45:00 +0300\n"
    )
    text = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.eschool.example>\n"
        f"To: {SUPPORT}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "Date: Tue, 24 Nov 2026 09:45:03 +0300 (MSK)\n"
        "Message-ID: <20261124064503.1A2B3C@mx.eschool.example>\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status;\n boundary="dsn-1"\n\n'
        "--dsn-1\n"
        "Content-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx.eschool.example.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients.\n\n"
        "<smirnova.old@school5-tver.example>: host mx.school5-tver.example said:\n"
        "    550 5.1.1 Mailbox does not exist\n\n"
        "--dsn-1\n"
        "Content-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.eschool.example\n"
        "Arrival-Date: Tue, 24 Nov 2026 09:45:01 +0300 (MSK)\n\n"
        "Final-Recipient: rfc822; smirnova.old@school5-tver.example\n"
        "Original-Recipient: rfc822;smirnova.old@school5-tver.example\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\n\n"
        "--dsn-1\n"
        "Content-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n\n"
        f"{original}\n"
        "--dsn-1--\n"
    )
    return text.encode("ascii")


def auto_reply() -> bytes:
    body = (
        "Здравствуйте! Я в отпуске до 30 ноября и не читаю почту.\n"
        "По срочным вопросам обращайтесь к завучу Кузнецовой Е. П.\n"
    )
    text = headers(
        sender=f"{word(TEACHER)} <{TEACHER_ADDRESS}>",
        to=SUPPORT,
        subject=word("Автоматический ответ: [INC0000123] Обращение зарегистрировано"),
        message_id="autoreply.0001@school5-tver.example",
        extra=(
            f"In-Reply-To: <{EDUDESK_NOTIFICATION_ID}>\n"
            "Auto-Submitted: auto-replied\n"
            "X-Auto-Response-Suppress: All\n"
            "Content-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ),
    )
    return text.encode("ascii") + body.encode()


REPLY_TEXT = """Добрый день!

Браузер — Google Chrome 131.0.6778.86, логин smirnova_av.
Ошибка повторяется и на другом компьютере.

--\u0020
Смирнова Анна Викторовна
учитель математики, МБОУ СОШ №5, г. Тверь

24.11.2026 12:05, Техподдержка «Электронная школа» пишет:
> Здравствуйте, Анна Викторовна!
>
> Уточните, пожалуйста, наименование и версию браузера.
>
> --
> Техподдержка АИС «Электронная школа»
"""


def reply_with_quoted_history() -> bytes:
    text = headers(
        sender=f"{word(TEACHER)} <{TEACHER_ADDRESS}>",
        to=f"{word('Техподдержка «Электронная школа»')} <{SUPPORT}>",
        subject=word("Re: [INC0000123] Требуется уточнение"),
        message_id="reply.6602@school5-tver.example",
        date="Tue, 24 Nov 2026 12:31:19 +0300",
        extra=(
            f"In-Reply-To: <inc0000123.clarification.77c1@eschool.example>\n"
            f"References: <{EDUDESK_NOTIFICATION_ID}>\n"
            " <inc0000123.clarification.77c1@eschool.example>\n"
            "User-Agent: Mozilla Thunderbird\n"
            "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
            "Content-Transfer-Encoding: 8bit\n\n"
        ),
    )
    return text.encode("ascii") + REPLY_TEXT.encode()


OUTLOOK_REPLY = """Прикладываю снимок экрана, логин инспектора minobr_ivanova.

С уважением,
Иванова Ольга
Министерство образования Тверской области

-----Original Message-----
От: Техподдержка «Электронная школа» <edu.support@eschool.example>
Отправлено: 24 ноября 2026 г. 12:05
Кому: Иванова Ольга Николаевна <o.ivanova@minobr-tver.example>
Тема: [INC0000124] Требуется уточнение

Уточните, пожалуйста, логин, под которым наблюдается проблема.
"""


def outlook_reply_with_jpeg() -> bytes:
    name = word("Снимок экрана 2026-11-24.jpg", "windows-1251")
    text = headers(
        sender=f'"{word("Иванова Ольга Николаевна", "windows-1251", "Q")}" <o.ivanova@minobr-tver.example>',
        to=f'"{word("Техподдержка «Электронная школа»", "windows-1251", "Q")}" <{SUPPORT}>',
        subject=word("RE: [INC0000124] Требуется уточнение", "windows-1251"),
        message_id="DB7PR03MB4972A1B2C3D4E5F6@DB7PR03MB4972.eurprd03.prod.outlook.example",
        date="Tue, 24 Nov 2026 12:40:02 +0000",
        extra=(
            "In-Reply-To: <inc0000124.clarification.9a0b@eschool.example>\n"
            "Thread-Topic: [INC0000124] =?windows-1251?B?0vDl4e7i4PLx/yDz8u736O3l7ejl?=\n"
            "X-MS-Has-Attach: yes\n"
            'Content-Type: multipart/mixed; boundary="_004_outlook_"\n\n'
            "--_004_outlook_\n"
            "Content-Type: text/plain; charset=windows-1251\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            f"{qp(OUTLOOK_REPLY, 'windows-1251')}\n"
            "--_004_outlook_\n"
            f'Content-Type: image/jpeg; name="{name}"\n'
            f'Content-Description: {name}\n'
            f'Content-Disposition: attachment; filename="{name}"; size=1000;\n'
            '\tcreation-date="Tue, 24 Nov 2026 12:39:00 GMT"\n'
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(jpeg())}\n"
            "--_004_outlook_--\n"
        ),
    )
    return text.encode("ascii")


def unknown_ticket_tag() -> bytes:
    body = "Добрый день! Есть новости по моей заявке? Журнал так и не сохраняет оценки.\n"
    text = headers(
        sender=f"{word(TEACHER)} <{TEACHER_ADDRESS}>",
        to=SUPPORT,
        subject=word("Re: [INC9999999] Ошибка сохранения оценок"),
        message_id="unknown-tag.0042@school5-tver.example",
        extra="Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
    )
    return text.encode("ascii") + b64(body.encode()).encode() + b"\n"


def winmail_dat() -> bytes:
    body = "Ошибка при печати табеля, снимок и файл табеля во вложении. Браузер Edge 131."
    blob = tnef_blob([("картинка1.png", png(30, 20)), ("табель.docx", b"PK\x03\x04fake-docx")], body)
    text = headers(
        sender=f"{word('Иванова Ольга Николаевна')} <o.ivanova@minobr-tver.example>",
        to=SUPPORT,
        subject=word("Ошибка печати табеля"),
        message_id="tnef.3311@minobr-tver.example",
        extra=(
            "X-MS-TNEF-Correlator: <tnef.3311@minobr-tver.example>\n"
            'Content-Type: multipart/mixed; boundary="tnef-b"\n\n'
            "--tnef-b\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
            f"{b64(body.encode())}\n"
            "--tnef-b\n"
            'Content-Type: application/ms-tnef; name="winmail.dat"\n'
            'Content-Disposition: attachment; filename="winmail.dat"\n'
            "Content-Transfer-Encoding: base64\n\n"
            f"{b64(blob)}\n"
            "--tnef-b--\n"
        ),
    )
    return text.encode("ascii")


def newsletter() -> bytes:
    text = headers(
        sender=f"{word('Вебинары Учи.Про')} <news@uchipro.example>",
        to=LMS_SUPPORT,
        subject=word("Новые вебинары декабря"),
        message_id="news.2026-12@uchipro.example",
        extra=(
            "Precedence: bulk\n"
            "List-Id: <webinars.uchipro.example>\n"
            "List-Unsubscribe: <mailto:unsubscribe@uchipro.example>\n"
            "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        ),
    )
    return text.encode("ascii") + b64("Приглашаем на вебинары декабря.\n".encode()).encode() + b"\n"


def without_message_id() -> bytes:
    text = (
        f"From: {TEACHER_ADDRESS}\n"
        f"To: {SUPPORT}\n"
        f"Subject: {word('Вопрос без номера')}\n"
        "Date: 24 Nov 2026 13:00:00 -0000\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n"
    )
    return text.encode("ascii") + b64("Как сменить пароль ученика?\n".encode()).encode() + b"\n"


CORPUS_BUILDERS = {
    "utf8_new_request_with_png.eml": utf8_new_request_with_png,
    "koi8r_plain_8bit.eml": lambda: eight_bit("koi8-r", "B"),
    "cp1251_quoted_printable.eml": lambda: eight_bit("windows-1251", "Q", "quoted-printable"),
    "iso88595_plain_8bit.eml": lambda: eight_bit("iso-8859-5", "B"),
    "mislabelled_cp1251_as_latin1.eml": mislabelled_cp1251_as_latin1,
    "mislabelled_utf8_as_koi8r.eml": mislabelled_utf8_as_koi8r,
    "html_only_cp1251.eml": html_only,
    "nested_inline_image_and_zip.eml": nested_with_inline_image_and_zip,
    "forwarded_message.eml": forwarded_message,
    "bounce_dsn.eml": bounce_dsn,
    "auto_reply.eml": auto_reply,
    "reply_with_quoted_history.eml": reply_with_quoted_history,
    "outlook_reply_with_jpeg.eml": outlook_reply_with_jpeg,
    "unknown_ticket_tag.eml": unknown_ticket_tag,
    "winmail_dat.eml": winmail_dat,
    "newsletter_bulk.eml": newsletter,
    "without_message_id.eml": without_message_id,
}

# Larger sets in sub-folders, one module each (``build()`` → path under corpus/ → bytes).
CORPUS_SETS = ("corpus_autoreplies", "corpus_quoting", "corpus_charsets", "corpus_robust")


def _on_the_wire(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def build() -> dict[str, bytes]:
    """Every corpus mail by file name, with CRLF line ends as on the wire."""
    built = {}
    for name, builder in CORPUS_BUILDERS.items():
        built[name] = _on_the_wire(builder())
    return built


def corpus_set(name: str):
    """One of the CORPUS_SETS modules (tests/mail is no package)."""
    if f"mail_{name}" in sys.modules:
        return sys.modules[f"mail_{name}"]
    spec = importlib.util.spec_from_file_location(f"mail_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def build_sets() -> dict[str, bytes]:
    """The mails of the sub-folder sets by path under corpus/."""
    return {path: _on_the_wire(data) for name in CORPUS_SETS
            for path, data in corpus_set(name).build().items()}


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for name, data in build().items():
        (CORPUS / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
    sets = build_sets()
    for folder in {path.split("/", 1)[0] for path in sets}:
        for stale in (CORPUS / folder).glob("*.eml"):
            stale.unlink()
    for path, data in sets.items():
        (CORPUS / path).parent.mkdir(exist_ok=True)
        (CORPUS / path).write_bytes(data)
    print(f"{len(sets)} mails in {', '.join(sorted({p.split('/', 1)[0] for p in sets}))}")


if __name__ == "__main__":
    main()
