"""Out-of-office and other automatic replies recognised by their words, when headers are missing.

Many mail programs (old Exchange, Mail.ru and Yandex autoresponders, gateways that drop
headers) send an out-of-office reply without ``Auto-Submitted``. Such a reply is told from a
person's request by three things:

* a subject the mail program wrote (``Автоматический ответ: …``, ``Нет на месте: …``,
  ``Automatic reply: …``, ``Abwesenheitsnotiz: …``) or one the absent person typed
  (``Я в отпуске``, ``Out of office until 4 Dec``);
* a body that says the writer is away and when they are back or whom to ask instead
  (``Я в отпуске до 4 декабря. По срочным вопросам обращайтесь…``), or that it was written
  automatically;
* no words of someone asking for help (``не открывается``, ``ошибка``, ``помогите``): «я в
  отпуске, но журнал не открывается» is a request.

Only the text the sender wrote counts (quoted history and forwarded mails are cut first).
"""

from __future__ import annotations

import re

# Prefixes mail programs put in front of the original subject (with a colon).
_PROGRAM_PREFIXES = (
    # Russian, Ukrainian, Belarusian, Kazakh
    r"автоматический ответ", r"автоответ", r"автоответчик", r"нет на месте", r"вне офиса",
    r"отсутствую(?: в офисе)?", r"прочитано", r"не прочитано", r"доставлено",
    r"автоматична відповідь", r"автовідповідь", r"немає на місці", r"аўтаматычны адказ",
    # English
    r"auto(?:matic|mated)?[\s-]*(?:reply|response|answer)", r"autoreply", r"autoresponse", r"auto",
    r"out of (?:the )?office(?: auto-?reply)?", r"ooo", r"oof", r"vacation(?: reply| response)?",
    r"away from (?:the )?office", r"absence notice", r"read", r"not read", r"delivered",
    r"undeliverable", r"delivery (?:status )?notification(?: \(failure\))?",
    # German, French, Spanish, Italian, Portuguese, Dutch
    r"abwesenheitsnotiz", r"automatische antwort", r"abwesend", r"gelesen",
    r"r[ée]ponse automatique", r"absence", r"absent(?:e)?", r"lu",
    r"respuesta autom[áa]tica", r"fuera de (?:la )?oficina", r"ausente", r"le[íi]do",
    r"risposta automatica", r"fuori (?:sede|ufficio)", r"letto",
    r"resposta autom[áa]tica", r"fora do escrit[óo]rio",
    r"automatisch antwoord", r"afwezig", r"gelezen",
    # Nordic, Polish, Czech, Slovak, Turkish, Finnish
    r"autosvar", r"automatisk svar", r"fr[åa]nvarande", r"frav[æa]rende",
    r"automatyczna odpowied[źz]", r"odpowied[źz] automatyczna", r"poza biurem",
    r"nieobecno[śs][ćc]", r"automatick[áa] odpov[ěe][ďd]", r"mimo kancel[áa][řr]",
    r"automatick[áa] odpove[ďd]", r"otomatik (?:yan[ıi]t|cevap)", r"ofis d[ıi][şs][ıi]nda",
    r"automaattinen vastaus", r"poissa",
    # Chinese, Japanese, Korean (full-width colon allowed below)
    r"自动回复", r"自動回覆", r"自動回复", r"自動応答", r"自動返信", r"不在", r"자동 ?회신",
    r"자동 ?응답", r"부재중",
)
_PROGRAM_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:" + "|".join(_PROGRAM_PREFIXES) + r")\s*[:：]", re.IGNORECASE)

# Subjects the absent person typed: the whole subject says they are away.
_AWAY_PHRASES = (
    r"(?:я\s+)?(?:в|нахожусь в) отпуске", r"(?:я\s+)?в командировке", r"(?:я\s+)?на больничном",
    r"отпуск", r"отсутствую", r"отсутствие на рабочем месте", r"нет на (?:рабочем )?месте",
    r"вне офиса", r"автоответ", r"автоматический ответ", r"автоматическое уведомление",
    r"(?:i am |i'm )?out of (?:the )?office", r"(?:i am |i'm )?on (?:annual |parental )?leave",
    r"(?:i am |i'm )?on vacation", r"(?:i am |i'm )?on holiday", r"away from (?:the )?office",
    r"out of office auto-?reply", r"auto(?:matic)?[\s-]*reply", r"auto[\s-]*response",
    r"abwesenheitsnotiz", r"abwesenheit", r"nicht im b[üu]ro", r"im urlaub",
    r"absence", r"absent du bureau", r"en cong[ée]s?", r"fuera de (?:la )?oficina",
    r"de vacaciones", r"fuori (?:sede|ufficio)", r"in ferie",
)
_AWAY_SUBJECT = re.compile(
    r"^\s*(?:" + "|".join(_AWAY_PHRASES) + r")\s*"
    r"(?:$|[.!]+\s*$|[-–—(,]|\s(?:до|по|с|until|till|from|through|bis|vom|du|jusqu|hasta|fino)\b)",
    re.IGNORECASE,
)
# Lotus Notes: "Ivan Petrov is out of the office." / "Иван Петров отсутствует в офисе."
_NOTES_SUBJECT = re.compile(
    r"\b(?:is out of (?:the )?office|отсутствует в офисе|ist nicht im b[üu]ro)\b", re.IGNORECASE)

# The body says it was written by a machine ("Автоответ." alone only as a line of its own:
# «как настроить автоответ?» is a question about one).
_AUTOMATIC = re.compile(
    r"(?:это|данное|настоящее)\s+(?:автоматическ\w+\s+(?:ответ|сообщение|уведомление|письмо)"
    r"|(?:письмо|сообщение|уведомление)\s+(?:было\s+)?(?:отправлено|сформировано|создано|"
    r"сгенерировано|сгенерирован[оа]?)\s+автоматически)"
    r"|(?:сообщение|письмо) (?:отправлено|сформировано|создано|сгенерировано) автоматически"
    r"|^\s*(?:автоматический ответ|автоответ|auto(?:matic)?[\s-]*reply|out of office)\s*[:.!]?\s*$"
    r"|this is an? auto(?:matic|mated)?[\s-]*(?:reply|response|message|notification|generated)"
    r"|this (?:e-?mail|message) (?:was|has been|is) (?:sent|generated) automatically"
    r"|out of office auto-?reply"
    r"|diese (?:nachricht|e-?mail|mail) wurde automatisch|dies ist eine automatische"
    r"|ceci est une r[ée]ponse automatique|ceci est un message automatique"
    r"|(?:este es un|esta es una) (?:mensaje|respuesta) autom[áa]tic[oa]"
    r"|(?:questa [èe] una|messaggio di) risposta automatica"
    r"|це автоматичн\w+ (?:відповідь|повідомлення)",
    re.IGNORECASE | re.MULTILINE,
)
# The writer says they are away (first person: «учитель в отпуске до 30-го» is a request) …
_AWAY = re.compile(
    r"\bя\s+(?:\w+\s+){0,2}?(?:в|на)\s+(?:\w+\s+)?(?:отпуске|командировке|больничном|"
    r"декрет\w*|конференции|учёбе|учебе|курсах)\b"
    r"|\b(?:нахожусь|буду|сейчас|я сейчас)\s+(?:\w+\s+)?(?:в|на|вне)\s+(?:\w+\s+)?"
    r"(?:отпуске|командировке|больничном|декрет\w*|офиса|конференции)\b"
    r"|\b(?:я\s+)?(?:временно\s+)?отсутствую\b|\bбуду отсутствовать\b"
    r"|\bменя (?:нет|не будет) на (?:рабочем )?месте\b|\bменя не будет\b"
    r"|\bне смогу (?:ответить|прочитать|прочесть)|\bне читаю почту\b"
    r"|\b(?:без|нет|не имею|ограниченн\w+) доступ\w* к (?:электронной |рабочей )?почте"
    r"|\b(?:i am|i'm|i will be|i'll be|i shall be|currently|presently)\b[^.\n]{0,30}?"
    r"\b(?:out of (?:the )?office|on (?:\w+ )?leave|on vacation|on holiday|away|off work|"
    r"travell?ing|unavailable)\b"
    r"|\bout of (?:the )?office\b|\b(?:limited|no) access to (?:my )?e-?mail"
    r"|\baway from (?:the office|my desk)\b"
    r"|\bich bin\b[^.\n]{0,40}\b(?:nicht im b[üu]ro|abwesend|im urlaub|nicht erreichbar)\b"
    r"|\bje suis\b[^.\n]{0,30}\b(?:absente?|en cong[ée]s?|en vacances)\b"
    r"|\bestoy\b[^.\n]{0,30}\b(?:fuera de (?:la )?oficina|de vacaciones|ausente)\b"
    r"|\bsono\b[^.\n]{0,30}\b(?:fuori (?:sede|ufficio)|in ferie|assente)\b"
    r"|\bя\s+(?:у|в)\s+відпустці\b|\bвідсутн\w+\b"
    r"|我正在休假|休假中|不在办公室|不在|休暇",
    re.IGNORECASE,
)
# … until a date, or asks to write to someone else meanwhile.
_BACK_OR_INSTEAD = re.compile(
    r"\b(?:до|по)\s+(?:\d|понедельник|вторник|сред|четверг|пятниц|суббот|воскресень|конца|начала)"
    r"|\b(?:вернусь|выйду на работу|отвечу (?:после|по возвращении|когда))"
    r"|\bпосле (?:возвращения|выхода|\d)|\bпо возвращении\b"
    r"|\bпо (?:срочным|неотложным|всем) вопросам\b|\bв (?:случае )?срочн\w+ (?:случа|необходимост)"
    r"|\bобращайтесь\b|\bпрошу (?:обращаться|писать|направлять|связаться)\b|\bзамещает\b"
    r"|\bзвоните\b|\bпишите\b"
    r"|\buntil\b|\btill\b|\breturn(?:ing)? on\b|\bwill (?:be back|return|reply|respond)"
    r"|\bupon my return\b|\bwhen i (?:return|get back|am back)\b|\bback (?:on|in the office)\b"
    r"|\bfor (?:urgent|immediate) (?:matters|issues|requests|assistance|enquiries|inquiries)"
    r"|\bin urgent cases\b|\bplease contact\b"
    r"|\bbis (?:zum |einschlie[ßs]lich )?\d|\bzur[üu]ck\b|\bin dringenden f[äa]llen\b"
    r"|\bà mon retour\b|\ben cas d'urgence\b|\bjusqu'au\b|\ba mi regreso\b|\bhasta el\b"
    r"|\ben caso de urgencia\b|\bal mio rientro\b|\bper urgenze\b|\bfino al\b",
    re.IGNORECASE,
)
# Someone asking for help: what a request says and an out-of-office reply does not.
_REQUEST = re.compile(
    r"\bне\s+(?:открыва|работа|загружа|сохраня|получа|могу|можем|может|удаётся|удается|"
    r"отображ|видн|вид[иеяю]|приход|проход|отправля|пуска|входит|грузит|печата|формиру|"
    r"показыва|выставля|доступ)\w*"
    r"|\bошибк\w*|\bпомогите\b|\bподскажите\b|\bпрошу (?!обращаться|писать|направлять|"
    r"связаться|прощения|извинить)\w+|\bпроблем\w*|\bсбой\b|\bзависа\w*|\bвылета\w*"
    r"|\bкак (?:мне |нам )?(?:сделать|настроить|оформить|передать|исправить|поменять|сменить)\b"
    r"|\?\s*$"
    r"|\bcan(?:no|')t\b|\bcannot\b|\bunable to\b|\bdoes(?:n't| not) work|\bnot working\b"
    r"|\berror\b|\bplease help\b|\bfunktioniert nicht\b|\bfehler\b",
    re.IGNORECASE | re.MULTILINE,
)
# An out-of-office reply is a few lines; a long text is a person writing.
_LONGEST_AUTO_REPLY = 1500


def subject_from_a_program(subject: str) -> bool:
    """``Автоматический ответ: …``: a prefix only mail programs write (replies start with Re:)."""
    return bool(_PROGRAM_SUBJECT.match(subject) or _NOTES_SUBJECT.search(subject))


def subject_says_away(subject: str) -> bool:
    """A subject the absent person typed for their autoresponder: «Я в отпуске до 4 декабря»."""
    return bool(_AWAY_SUBJECT.match(subject))


def body_says_auto_reply(text: str) -> bool:
    """The sender's own text says it was sent automatically, or that they are away until …"""
    if len(text) > _LONGEST_AUTO_REPLY:
        return False
    return bool(_AUTOMATIC.search(text) or (_AWAY.search(text) and _BACK_OR_INSTEAD.search(text)))


def mentions_absence(text: str) -> bool:
    """The text says its writer is away, or that it was sent automatically."""
    text = text[:_LONGEST_AUTO_REPLY]
    return not reads_as_request(text) and bool(_AWAY.search(text) or _AUTOMATIC.search(text))


def reads_as_request(text: str) -> bool:
    return bool(_REQUEST.search(text))


def auto_reply_reason(subject: str, own_text: str) -> str:
    """Why this mail is an automatic reply by its words ("" when a person wrote it).

    A program's subject prefix is trusted even when the body mentions a problem (an
    out-of-office reply often says whom to ask about errors). A typed subject needs a body
    that says the writer is away (or nothing at all); a body alone needs the away words and a
    date or a stand-in. Neither counts when the text asks for help.
    """
    if subject_from_a_program(subject):
        return "auto-reply subject"
    text = own_text[:_LONGEST_AUTO_REPLY]
    if reads_as_request(own_text):
        if subject_says_away(subject) and _AUTOMATIC.search(text):
            return "out-of-office subject and text"
        return ""
    if subject_says_away(subject) and (not text.strip() or _AWAY.search(text)
                                       or _AUTOMATIC.search(text)):
        return "out-of-office subject"
    if body_says_auto_reply(own_text):
        return "out-of-office text"
    return ""
