"""Replies as each mail program quotes (tests/mail/corpus/quoting/*.eml) and what must remain.

Each mail is a teacher's follow-up to edudesk's request for clarification, written the way
Gmail, Yandex, Mail.ru, Outlook, Thunderbird, Apple Mail, The Bat! and Yahoo write replies
in Russian (and a few in English): the new text above the quote, below it, or between
quotes; with signatures and mobile footers. ``EXPECTED[name]`` is the text the ticket shows.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

SUPPORT = "Техподдержка «Электронная школа» <edu.support@eschool.example>"
TEACHER = "Смирнова Анна Викторовна <a.smirnova@school5-tver.example>"
SUBJECT = "[INC0000123] Требуется уточнение"
QUESTION = "Уточните, пожалуйста, наименование и версию браузера."
ANSWER = "Браузер Google Chrome 131, логин smirnova_av.\nОшибка повторяется и на другом компьютере."
QUOTED = f"> Здравствуйте, Анна Викторовна!\n>\n> {QUESTION}\n>\n> --\n> Техподдержка АИС «Электронная школа»"
MSK = timezone(timedelta(hours=3))

# name → (mail program, body, expected text, charset)
SAMPLES: dict[str, tuple[str, str, str, str]] = {
    "gmail_ru": ("Gmail", f"{ANSWER}\n\nвт, 24 нояб. 2026 г. в 18:03, {SUPPORT}:\n\n{QUOTED}\n",
                 ANSWER, "utf-8"),
    "gmail_ru_napisal": ("Gmail", f"{ANSWER}\n\n24 ноября 2026 г., 18:03 пользователь {SUPPORT} "
                         f"написал:\n{QUOTED}\n", ANSWER, "utf-8"),
    "gmail_ru_wrapped": ("Gmail", f"{ANSWER}\n\nвт, 24 нояб. 2026 г. в 18:03, Техподдержка\n"
                         f"<edu.support@eschool.example>:\n\n{QUOTED}\n", ANSWER, "utf-8"),
    "gmail_en": ("Gmail", f"{ANSWER}\n\nOn Tue, Nov 24, 2026 at 6:03 PM {SUPPORT} wrote:\n\n"
                 f"{QUOTED}\n", ANSWER, "utf-8"),
    "yandex_web": ("Yandex", f"{ANSWER}\n\n24.11.2026, 18:03, \"Техподдержка\" "
                   f"<edu.support@eschool.example>:\n{QUOTED}\n", ANSWER, "utf-8"),
    "yandex_mobile": ("Yandex", f"{ANSWER}\n\n-- \nОтправлено из мобильной Яндекс Почты\n\n"
                      f"24.11.2026, 18:03, {SUPPORT}:\n{QUOTED}\n", ANSWER, "utf-8"),
    "yandex_pishet": ("Yandex", f"{ANSWER}\n\n24.11.2026, 18:03, Техподдержка пишет:\n{QUOTED}\n",
                      ANSWER, "utf-8"),
    "mailru_web": ("Mail.ru", f"{ANSWER}\n\nВторник, 24 ноября 2026, 18:03 +03:00 от {SUPPORT}:\n"
                   f"{QUOTED}\n", ANSWER, "utf-8"),
    "mailru_quoted_attribution": ("Mail.ru", f"{ANSWER}\n\n\n>Вторник, 24 ноября 2026, 18:03 "
                                  f"+03:00 от {SUPPORT}:\n{QUOTED}\n", ANSWER, "utf-8"),
    "mailru_mobile": ("Mail.ru", f"{ANSWER}\n\n\nОтправлено из мобильной Почты Mail.ru\n\n\n"
                      "вторник, 24 ноября 2026г., 18:03 +03:00 от Техподдержка "
                      f"edu.support@eschool.example :\n\n{QUOTED}\n", ANSWER, "utf-8"),
    "outlook_ru_rule": ("Outlook", f"{ANSWER}\n\nС уважением,\nАнна Викторовна\n\n"
                        f"________________________________\nОт: {SUPPORT}\n"
                        "Отправлено: 24 ноября 2026 г. 18:03\nКому: Смирнова Анна Викторовна\n"
                        f"Тема: {SUBJECT}\n\n{QUESTION}\n",
                        f"{ANSWER}\n\nС уважением,\nАнна Викторовна", "windows-1251"),
    "outlook_ru_original_message": ("Outlook", f"{ANSWER}\n\n-----Исходное сообщение-----\n"
                                    f"От: {SUPPORT}\nОтправлено: 24 ноября 2026 г. 18:03\n"
                                    f"Кому: {TEACHER}\nТема: {SUBJECT}\n\n{QUESTION}\n",
                                    ANSWER, "windows-1251"),
    "outlook_ru_date_header": ("Outlook for Mac", f"{ANSWER}\n\nОт: {SUPPORT}\n"
                               "Дата: вторник, 24 ноября 2026 г. в 18:03\nКому: Смирнова Анна\n"
                               f"Тема: {SUBJECT}\n\n{QUESTION}\n", ANSWER, "utf-8"),
    "outlook_en": ("Outlook", f"{ANSWER}\n\nFrom: {SUPPORT}\nSent: Tuesday, November 24, 2026 "
                   f"6:03 PM\nTo: {TEACHER}\nSubject: RE: {SUBJECT}\n\n{QUESTION}\n",
                   ANSWER, "utf-8"),
    "outlook_mobile": ("Outlook for Android", f"{ANSWER}\n\nПолучить Outlook для Android\n"
                       f"________________________________\nFrom: {SUPPORT}\nSent: Tuesday, "
                       f"November 24, 2026 6:03:00 PM\nTo: {TEACHER}\nSubject: {SUBJECT}\n\n"
                       f"{QUESTION}\n", ANSWER, "utf-8"),
    "date_first_header_block": ("webmail", f"{ANSWER}\n\nDate: Tue, 24 Nov 2026 18:03:00 +0300\n"
                                f"From: {SUPPORT}\nTo: {TEACHER}\nSubject: {SUBJECT}\n\n"
                                f"{QUESTION}\n", ANSWER, "utf-8"),
    "date_first_header_block_ru": ("webmail", f"{ANSWER}\n\nДата: 24.11.2026 18:03\n"
                                   f"От: {SUPPORT}\nКому: {TEACHER}\nТема: {SUBJECT}\n\n"
                                   f"{QUESTION}\n", ANSWER, "utf-8"),
    "thunderbird_ru": ("Thunderbird", f"{ANSWER}\n\n24.11.2026 18:03, Техподдержка пишет:\n"
                       f"{QUOTED}\n", ANSWER, "utf-8"),
    "thunderbird_ru_original": ("Thunderbird", f"{ANSWER}\n\n-------- Исходное сообщение "
                                f"--------\nТема: {SUBJECT}\nДата: 24.11.2026 18:03\n"
                                f"От: {SUPPORT}\nКому: {TEACHER}\n\n{QUESTION}\n",
                                ANSWER, "utf-8"),
    "thunderbird_bottom_posted": ("Thunderbird", f"24.11.2026 18:03, Техподдержка пишет:\n"
                                  f"{QUOTED}\n\n{ANSWER}\n\n-- \nСмирнова Анна Викторовна\n"
                                  "учитель математики, МБОУ СОШ №5\n", ANSWER, "utf-8"),
    "bottom_posted_without_attribution": ("mutt", f"{QUOTED}\n\n{ANSWER}\n", ANSWER, "utf-8"),
    "inline_answers": ("Thunderbird", "24.11.2026 18:03, Техподдержка пишет:\n"
                       "> Уточните браузер.\nChrome 131.\n> И логин.\nsmirnova_av\n",
                       "> Уточните браузер.\nChrome 131.\n> И логин.\nsmirnova_av", "utf-8"),
    "the_bat_ru": ("The Bat!", f"Здравствуйте, Техподдержка.\n\nВы писали 24 ноября 2026 г., "
                   f"18:03:\n\n{QUOTED}\n\n{ANSWER}\n\n-- \nС уважением,\n Анна\n",
                   f"Здравствуйте, Техподдержка.\n\n{ANSWER}", "windows-1251"),
    "yahoo_dashes_on_wrote": ("Yahoo", f"{ANSWER}\n\n--- On Tue, 11/24/26, {SUPPORT} wrote:\n\n"
                              f"From: {SUPPORT}\nSubject: {SUBJECT}\nTo: {TEACHER}\n"
                              f"Date: Tuesday, November 24, 2026, 6:03 PM\n\n{QUESTION}\n",
                              ANSWER, "utf-8"),
    "yahoo_original_message": ("Yahoo", f"{ANSWER}\n\n----- Original Message -----\n"
                               f"From: {SUPPORT}\nTo: {TEACHER}\nSent: Tuesday, November 24, "
                               f"2026 6:03 PM\nSubject: {SUBJECT}\n\n{QUESTION}\n",
                               ANSWER, "utf-8"),
    "apple_mail_ru": ("Apple Mail", f"{ANSWER}\n\nОтправлено с iPhone\n\n> 24 нояб. 2026 г., "
                      f"в 18:03, {SUPPORT} написал(а):\n>\n{QUOTED}\n", ANSWER, "utf-8"),
    "apple_mail_ru_unquoted": ("Apple Mail", f"{ANSWER}\n\n24 нояб. 2026 г., в 18:03, "
                               f"{SUPPORT} написал(а):\n\n{QUOTED}\n", ANSWER, "utf-8"),
    "iphone_en": ("iPhone", f"{ANSWER}\n\nSent from my iPhone\n\n> On Nov 24, 2026, at 18:03, "
                  f"{SUPPORT} wrote:\n>\n{QUOTED}\n", ANSWER, "utf-8"),
    "signature_and_sent_from": ("Mail.ru", f"{ANSWER}\n\n--\nСмирнова А. В.\n\n"
                                "Отправлено из мобильной Почты Mail.ru\n", ANSWER, "utf-8"),
    "prose_quoting_a_colleague": ("Yandex", "Мой коллега пишет:\nжурнал не открывается и у него",
                                  "Мой коллега пишет:\nжурнал не открывается и у него", "utf-8"),
    "data_lines_are_not_headers": ("Yandex", "Тема: Алгебра\nДата: 23.11.2026\nКласс: 7Б\n"
                                   "Оценки не сохраняются.",
                                   "Тема: Алгебра\nДата: 23.11.2026\nКласс: 7Б\n"
                                   "Оценки не сохраняются.", "utf-8"),
}
EXPECTED = {f"quoting/{name}.eml": expected for name, (_p, _b, expected, _c) in SAMPLES.items()}


def _mail(n: int, program: str, body: str, charset: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = TEACHER
    mail["To"] = SUPPORT
    mail["Subject"] = f"Re: {SUBJECT}"
    mail["Date"] = format_datetime(datetime(2026, 11, 24, 18, 30, n % 60, tzinfo=MSK))
    mail["Message-ID"] = f"<corpus.quoting.{n:03d}@school5-tver.example>"
    mail["In-Reply-To"] = "<inc0000123.clarification.77c1@eschool.example>"
    mail["X-Mailer"] = program
    mail.set_content(body, charset=charset)
    return mail.as_bytes()


def build() -> dict[str, bytes]:
    return {f"quoting/{name}.eml": _mail(n, program, body, charset)
            for n, (name, (program, body, _expected, charset)) in enumerate(SAMPLES.items())}
