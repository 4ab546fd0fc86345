"""Personas for mass incidents: three schools of the regional e-school, their teachers, an agent."""

import pytest

from edudesk.testing import factories

OUTAGE_TITLE = "Не открывается электронный журнал"
OUTAGE_TEXT = ("С 8:15 электронный журнал не открывается: страница выдаёт ошибку 502. "
               "Специалисты восстанавливают работу сервера.")
# How teachers of different schools describe the same outage.
SAME_OUTAGE = [
    "Не открывается электронный журнал, пишет ошибка 502",
    "Журнал не открывается с утра, ошибка 502 Bad Gateway",
    "Электронный журнал не открывается, выдаёт 502",
]
OTHER_PROBLEM = "Как поменять пароль ученику 7Б? Родители просят сбросить пароль к дневнику."


@pytest.fixture
def schools(eschool):
    return [factories.organisation(eschool, name=f"МБОУ «Средняя школа № {n}»") for n in (12, 5, 31)]


@pytest.fixture
def teachers(eschool, schools):
    return [factories.contact(eschool, full_name=f"Учитель школы {school.name}", org=school,
                              email=f"teacher{i}@school{i}.example")
            for i, school in enumerate(schools)]


def outage_ticket(service, teacher, text=SAME_OUTAGE[0], **extra):
    return factories.ticket(service, teacher, subject=text[:60], description=text, **extra)
