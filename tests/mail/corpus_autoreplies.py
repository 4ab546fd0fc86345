"""Auto-replies and the requests that look like them (tests/mail/corpus/autoreply, …/person).

``autoreply/``: out-of-office replies, read receipts, acknowledgements and null-sender mail as
the Russian and international mail programs send them — most WITHOUT ``Auto-Submitted`` (old
Exchange, Mail.ru and Yandex autoresponders, gateways that drop headers). Each must be kept out
of the queue and never answered.

``person/``: requests and follow-ups that must NOT be caught: a teacher on leave whose journal
does not open, a subject that starts like an out-of-office one, a reply to an auto-reply, a
question about setting up an autoresponder.

Written by ``python tests/mail/build_corpus.py``; ``python tests/mail/autoreply_recall.py``
prints the recall and the false-positive rate.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

SUPPORT = "edu.support@eschool.example"
NOTICE_ID = "inc0000123.registered.3f2a@eschool.example"
NOTICE_SUBJECT = "[INC0000123] Обращение зарегистрировано"
MSK = timezone(timedelta(hours=3))


def _mail(n: int, *, sender: str, subject: str, body: str, headers: dict[str, str] | None = None,
          charset: str = "utf-8", reply: bool = True) -> bytes:
    mail = EmailMessage()
    for name, value in (headers or {}).items():
        if name == "Return-Path":
            mail[name] = value
    mail["From"] = sender
    mail["To"] = SUPPORT
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime(2026, 11, 24, 9, 50, n % 60, tzinfo=MSK))
    mail["Message-ID"] = f"<corpus.auto.{n:03d}@{sender.rpartition('@')[2].rstrip('>')}>"
    if reply:
        mail["In-Reply-To"] = f"<{NOTICE_ID}>"
        mail["References"] = f"<{NOTICE_ID}>"
    for name, value in (headers or {}).items():
        if name != "Return-Path":
            mail[name] = value
    mail.set_content(body, charset=charset)
    return mail.as_bytes()


TEACHER = "Смирнова Анна Викторовна <a.smirnova@school5-tver.example>"
DIRECTOR = "Петров Игорь Сергеевич <director@school12-tver.example>"
METHODIST = "Ольга Иванова <o.ivanova@minobr-tver.example>"
FOREIGN = "Martina Keller <m.keller@schule-bonn.example>"
EXCHANGE = {"X-MS-Exchange-Inbox-Rules-Loop": "o.ivanova@minobr-tver.example",
            "X-MS-Has-Attach": "", "Thread-Topic": NOTICE_SUBJECT}

# (file stem, sender, subject, body, extra headers)
AUTO_REPLIES: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("outlook_ru_with_headers", METHODIST, f"Автоматический ответ: {NOTICE_SUBJECT}",
     "Здравствуйте!\n\nЯ нахожусь в отпуске с 23.11.2026 по 04.12.2026.\nПо срочным вопросам "
     "обращайтесь к Кузнецовой Елене Петровне (e.kuznetsova@minobr-tver.example).\n",
     {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", **EXCHANGE}),
    ("outlook_ru_headers_dropped", METHODIST, f"Автоматический ответ: {NOTICE_SUBJECT}",
     "Здравствуйте!\n\nЯ нахожусь в отпуске с 23.11.2026 по 04.12.2026.\nПо срочным вопросам "
     "обращайтесь к Кузнецовой Елене Петровне.\n", {}),
    ("outlook_ru_only_exchange_marker", METHODIST, f"RE: {NOTICE_SUBJECT}",
     "Добрый день. Я в отпуске, почту не читаю.\n", {"X-Auto-Response-Suppress": "All"}),
    ("exchange2003_ru_net_na_meste", METHODIST, f"Нет на месте: {NOTICE_SUBJECT}",
     "Я в отпуске до 30 ноября. Вернусь 1 декабря.\n", {}),
    ("yandex_avtootvet_subject", TEACHER, "Автоответ: Я в отпуске до 7 декабря",
     "Добрый день! Я в отпуске до 7 декабря, почту не читаю.\n", {}),
    ("yandex_avtootvet_prefix", TEACHER, f"Автоответ: Re: {NOTICE_SUBJECT}",
     "Здравствуйте! Спасибо за письмо. Сейчас я в отпуске, вернусь 7 декабря и обязательно "
     "отвечу.\n", {}),
    ("yandex_body_only", TEACHER, f"Re: {NOTICE_SUBJECT}",
     "Здравствуйте! Спасибо за письмо. Сейчас я в отпуске, вернусь 7 декабря и обязательно "
     "отвечу.\n\n--\nСмирнова А. В.\n", {"X-Mailer": "Yandex Mail"}),
    ("mailru_avtootvetchik_body", DIRECTOR, f"Re: {NOTICE_SUBJECT}",
     "Это автоматический ответ. Я нахожусь в командировке до 02.12.2026.\n"
     "По срочным вопросам звоните секретарю: +7 4822 55-12-34.\n", {}),
    ("mailru_typed_subject", DIRECTOR, "Автоответ",
     "Меня нет на рабочем месте до понедельника.\n", {}),
    ("mailru_mobile_body", DIRECTOR, f"Re: {NOTICE_SUBJECT}",
     "Я на больничном до 1 декабря, отвечу после выхода.\n\n"
     "Отправлено из мобильной Почты Mail.ru\n", {}),
    ("gmail_vacation_ru_typed", TEACHER, "Я в отпуске",
     "Здравствуйте! Я в отпуске до 7 декабря и отвечу после возвращения.\n", {}),
    ("gmail_vacation_ru_dates", TEACHER, "Отпуск до 7 декабря",
     "Я в отпуске, почту читаю редко.\n", {}),
    ("gmail_vacation_en", FOREIGN, "Out of office",
     "Hi, I'm on vacation until Dec 4th. I will reply when I get back.\n", {}),
    ("outlook_en_automatic_reply", FOREIGN, f"Automatic reply: {NOTICE_SUBJECT}",
     "Thank you for your email. I am out of the office until 4 December with limited access "
     "to email. For urgent matters please contact office@schule-bonn.example.\n", {}),
    ("outlook_en_out_of_office", FOREIGN, f"Out of Office: Re: {NOTICE_SUBJECT}",
     "I'm currently out of office and will respond upon my return.\n", {}),
    ("exchange2003_en_autoreply", FOREIGN, f"Out of Office AutoReply: {NOTICE_SUBJECT}",
     "I will be out of the office starting 23.11.2026 and will not return until 04.12.2026.\n",
     {}),
    ("en_body_only_annual_leave", FOREIGN, f"Re: {NOTICE_SUBJECT}",
     "I am on annual leave until 7 December. For urgent enquiries please contact "
     "the school office.\n", {}),
    ("en_auto_prefix", FOREIGN, f"Auto: Re: {NOTICE_SUBJECT}",
     "I am away from the office this week.\n", {}),
    ("outlook_de_abwesenheitsnotiz", FOREIGN, f"Abwesenheitsnotiz: {NOTICE_SUBJECT}",
     "Ich bin bis zum 04.12.2026 nicht im Büro. In dringenden Fällen wenden Sie sich bitte an "
     "sekretariat@schule-bonn.example.\n", {}),
    ("outlook_de_automatische_antwort", FOREIGN, f"Automatische Antwort: {NOTICE_SUBJECT}",
     "Vielen Dank für Ihre Nachricht. Ich bin ab dem 7.12. wieder erreichbar.\n", {}),
    ("de_body_only", FOREIGN, f"AW: {NOTICE_SUBJECT}",
     "Dies ist eine automatische Antwort. Ich bin im Urlaub.\n", {}),
    ("outlook_fr", "Claire Martin <c.martin@ecole-lyon.example>",
     f"Réponse automatique : {NOTICE_SUBJECT}",
     "Je suis absente du bureau jusqu'au 4 décembre.\n", {}),
    ("outlook_es", "Lucía García <l.garcia@colegio-madrid.example>",
     f"Respuesta automática: {NOTICE_SUBJECT}",
     "Estoy fuera de la oficina hasta el 4 de diciembre.\n", {}),
    ("outlook_it", "Marco Rossi <m.rossi@scuola-roma.example>",
     f"Risposta automatica: {NOTICE_SUBJECT}", "Sono fuori ufficio fino al 4 dicembre.\n", {}),
    ("outlook_pl", "Anna Nowak <a.nowak@szkola-krakow.example>",
     f"Automatyczna odpowiedź: {NOTICE_SUBJECT}",
     "Jestem poza biurem do 4 grudnia.\n", {}),
    ("outlook_uk", "Оксана Коваль <o.koval@school-kyiv.example>",
     f"Автоматична відповідь: {NOTICE_SUBJECT}", "Я у відпустці до 4 грудня.\n", {}),
    ("outlook_nl", "Jan de Vries <j.devries@school-utrecht.example>",
     f"Automatisch antwoord: {NOTICE_SUBJECT}", "Ik ben afwezig tot 4 december.\n", {}),
    ("outlook_zh", "Li Wei <li.wei@school-beijing.example>", f"自动回复: {NOTICE_SUBJECT}",
     "您好，我正在休假，12月4日返回。\n", {}),
    ("outlook_ja", "Sato Yuki <y.sato@school-tokyo.example>", f"自動応答: {NOTICE_SUBJECT}",
     "ただいま休暇中です。12月4日に戻ります。\n", {}),
    ("lotus_notes_ru", METHODIST, "Ольга Иванова отсутствует в офисе.",
     "Я буду отсутствовать с 23.11.2026 и вернусь 04.12.2026.\n", {}),
    ("lotus_notes_en", FOREIGN, "Martina Keller is out of the office.",
     "I will be out of the office starting 23/11/2026 and will not return until 04/12/2026.\n",
     {}),
    ("zimbra_ru_body_only", DIRECTOR, f"Re: {NOTICE_SUBJECT}",
     "Нахожусь в отпуске по 6 декабря включительно. Замещает: Кузнецова Е. П.\n", {}),
    ("sick_leave_ru", DIRECTOR, f"Re: {NOTICE_SUBJECT}",
     "Добрый день! В настоящее время я нахожусь на больничном. По всем вопросам обращайтесь "
     "к заместителю директора.\n", {}),
    ("out_of_office_mentions_errors", METHODIST, f"Автоматический ответ: {NOTICE_SUBJECT}",
     "Я в отпуске до 4.12. Если у вас не открывается журнал, пишите в техподдержку.\n", {}),
    ("vne_ofisa", METHODIST, f"Вне офиса: {NOTICE_SUBJECT}",
     "Я вне офиса до пятницы, с ограниченным доступом к почте.\n", {}),
    ("read_receipt_outlook_ru", METHODIST, f"Прочитано: {NOTICE_SUBJECT}",
     f"Ваше сообщение\n\n  Кому: {METHODIST}\n  Тема: {NOTICE_SUBJECT}\n"
     "  Отправлено: 24.11.2026 9:45\n\nбыло прочитано 24.11.2026 10:02.\n", {}),
    ("read_receipt_outlook_en", FOREIGN, f"Read: {NOTICE_SUBJECT}",
     f"Your message\n\n  To: {FOREIGN}\n  Subject: {NOTICE_SUBJECT}\n"
     "  Sent: 24.11.2026 9:45\n\nwas read on 24.11.2026 10:02.\n", {}),
    ("auto_acknowledgement_ru", "Приёмная <priemnaya@school12-tver.example>",
     "Ваше письмо получено",
     "Это автоматическое уведомление: ваше письмо получено и будет рассмотрено в течение "
     "трёх рабочих дней.\n", {}),
    ("generated_notice_ru", "Портал <noreply@portal.example>", "Уведомление",
     "Данное сообщение сформировано автоматически, отвечать на него не нужно.\n", {}),
    ("spam_null_return_path", "Бухгалтерия <buh@pay-invoice.example>",
     "Вам поступил платёж", "Откройте вложение, чтобы подтвердить получение платежа.\n",
     {"Return-Path": "<>"}),
    ("null_return_path_reply", TEACHER, f"Re: {NOTICE_SUBJECT}", "Спасибо, получено.\n",
     {"Return-Path": "<>"}),
    ("newsletter_feedback_id", "Вебинары <news@webinars.example>", "Вебинары декабря",
     "Приглашаем на вебинары декабря.\n", {"Feedback-ID": "12:campaign:news:webinars"}),
    ("outlook_ru_cp1251", METHODIST, f"Автоматический ответ: {NOTICE_SUBJECT}",
     "Я в отпуске до 4 декабря.\n", {}),
]
_CHARSETS = {"outlook_ru_cp1251": "windows-1251"}

# Requests and follow-ups written by people, that must reach the queue.
PERSONS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("on_leave_but_journal_broken", TEACHER, "Журнал",
     "Здравствуйте! Я сейчас в отпуске до 7 декабря, но журнал не открывается даже с "
     "домашнего компьютера. Помогите, пожалуйста.\n", {}),
    ("subject_on_leave_with_request", TEACHER, "Я в отпуске",
     "Я в отпуске, но мне нужно выставить оценки — журнал не открывается.\n", {}),
    ("on_leave_asks_to_hand_over_class", TEACHER, "Передача класса",
     "Добрый день! Я в отпуске до 7 декабря. Прошу на это время передать мой класс "
     "Петровой М. И.\n", {}),
    ("subject_starts_with_otpusk", DIRECTOR, "Отпуск учителя не отображается в расписании",
     "В расписании 7«Б» учитель, который в отпуске, всё ещё стоит на уроках.\n", {}),
    ("subject_net_na_meste_no_colon", TEACHER, "Нет на месте кнопки «Сохранить» в журнале",
     "После обновления пропала кнопка «Сохранить» на странице оценок.\n", {}),
    ("question_about_autoresponder", DIRECTOR, "Автоответ в школьной почте",
     "Как настроить автоответ для учителей на время каникул?\n", {}),
    ("autoresponder_broken", DIRECTOR, "Автоответ",
     "Настроили автоответ, но письма родителям не уходят.\n", {}),
    ("reply_to_an_auto_reply", TEACHER, f"Re: Автоматический ответ: {NOTICE_SUBJECT}",
     "Это был автоответ коллеги, а журнал так и не сохраняет оценки.\n", {}),
    ("forwarded_auto_reply", TEACHER, f"Fwd: Автоматический ответ: {NOTICE_SUBJECT}",
     "Пересылаю: вместо ответа пришло вот это. Журнал всё так же не работает.\n\n"
     "---------- Пересланное сообщение ----------\nОт: Ольга Иванова <o.ivanova@minobr-tver."
     "example>\nДата: 24.11.2026 10:02\nТема: Автоматический ответ\n\nЯ в отпуске до 4.12.\n",
     {}),
    ("forwarded_out_of_office_only", TEACHER, "Fwd: Нет на месте",
     "Коллеги, завуч в отпуске, пишу за неё.\n\n"
     "---------- Пересланное сообщение ----------\nОт: Кузнецова Е. П.\nДата: 24.11.2026\n"
     "Тема: Нет на месте\n\nЯ в отпуске до 4 декабря, по срочным вопросам обращайтесь к "
     "директору.\n", {}),
    ("colleague_on_leave_question", DIRECTOR, "Вопрос",
     "Учитель в отпуске до 30 ноября. Как передать её класс другому учителю в журнале?\n", {}),
    ("teacher_reply_browser", TEACHER, f"Re: {NOTICE_SUBJECT}",
     "Браузер Chrome 131.\n\n24.11.2026 12:05, Техподдержка пишет:\n> Уточните браузер.\n",
     {}),
    ("reply_quoting_an_out_of_office", TEACHER, f"Re: {NOTICE_SUBJECT}",
     "Логин smirnova_av, браузер Chrome.\n\n24.11.2026 12:05, Ольга Иванова пишет:\n"
     "> Я в отпуске до 4 декабря. По срочным вопросам обращайтесь к Кузнецовой.\n", {}),
    ("thanks", TEACHER, f"Re: {NOTICE_SUBJECT}", "Спасибо!\n", {}),
    ("exchange_marker_on_a_request", METHODIST, "Не формируется отчёт",
     "Отчёт по успеваемости за четверть формируется пустым. Логин minobr_ivanova.\n",
     {"X-Auto-Response-Suppress": "All"}),
    ("return_path_with_address", TEACHER, "Сброс пароля ученика",
     "Здравствуйте, сбросьте пароль ученику Иванову, 7Б.\n",
     {"Return-Path": "<a.smirnova@school5-tver.example>"}),
    ("en_was_out_of_office", FOREIGN, "Login",
     "I was out of office last week and now I cannot log in to the LMS.\n", {}),
    ("de_request", FOREIGN, "Journal",
     "Ich bin Lehrerin, das Journal funktioniert nicht.\n", {}),
    ("after_leave_journal_empty", TEACHER, "Оценки пропали",
     "Вернулась из отпуска — в журнале 7«Б» за ноябрь пусто.\n", {}),
    ("will_be_on_leave_please_extend", TEACHER, "Доступ",
     "Добрый день, прошу продлить доступ до 30 ноября, я буду в отпуске и работать не "
     "смогу.\n", {}),
    ("long_request_mentions_leave", TEACHER, "Журнал 7«Б»",
     "Здравствуйте!\n\nРегион: Тверская область\nФИО: Смирнова Анна Викторовна\n"
     "Учреждение: МБОУ СОШ №5, г. Тверь\nЛогин инициатора: smirnova_av\n\n"
     "С 23 по 27 ноября я была в отпуске, вернулась — оценки за эти дни выставленные "
     "заменяющим учителем не видны в журнале.\n", {}),
    ("data_reply", TEACHER, f"Re: {NOTICE_SUBJECT}",
     "Регион: Тверская область\nЛогин инициатора: smirnova_av\n", {}),
    ("in_office_again", FOREIGN, "Back in the office",
     "Back in the office: the course page still shows an error.\n", {}),
    ("read_word_in_subject", TEACHER, "Прочитайте, пожалуйста: не работает журнал",
     "Журнал не сохраняет оценки.\n", {}),
    ("absence_report", DIRECTOR, "Отсутствие учеников не отмечается",
     "В журнале 5«А» не отмечается отсутствие учеников.\n", {}),
    ("auto_subject_request", DIRECTOR, "Автоматическое выставление итоговых оценок",
     "Итоговые оценки за четверть не выставляются автоматически.\n", {}),
]


def _build(prefix: str, rows, offset: int) -> dict[str, bytes]:
    built = {}
    for index, (stem, sender, subject, body, headers) in enumerate(rows):
        reply = subject.lower().startswith(("re:", "aw:", "автоматический", "automatic", "auto",
                                             "out of", "нет на", "прочитано", "read:"))
        built[f"{prefix}/{stem}.eml"] = _mail(offset + index, sender=sender, subject=subject,
                                              body=body, headers=headers, reply=reply,
                                              charset=_CHARSETS.get(stem, "utf-8"))
    return built


def build() -> dict[str, bytes]:
    """Every mail of both sets by its path under tests/mail/corpus."""
    return {**_build("autoreply", AUTO_REPLIES, 0), **_build("person", PERSONS, 500)}
