"""Shared steps of the portal tests: the seed's e-school form filled in by a teacher."""

import io

from edudesk.intake.tests import files

CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0.6099.109 Safari/537.36")

ESCHOOL_FORM = {
    "category": "error",
    "step": "submit",
    "region": "Республика Татарстан",
    "full_name": "Иванова Мария Петровна",
    "institution": "МБОУ «Средняя школа № 12», г. Казань",
    "description": "Не сохраняются оценки в журнале 5А по математике.",
    "initiator_login": "m.ivanova",
    "affected_login": "m.ivanova",
    "email": "m.ivanova@school12.example",
    "phone": "8 843 555-12-34",
    "browser": "Chrome 120",
    "steps": "Открываю журнал 5А, ставлю оценку за 12.11, нажимаю «Сохранить» — ошибка 500.",
}


def upload(name: str, data: bytes):
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def screenshot(name="картинка.png"):
    return upload(name, files.png())


def form(**changes):
    data = dict(ESCHOOL_FORM)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
