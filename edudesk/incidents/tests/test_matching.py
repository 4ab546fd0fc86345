"""Which active incident a new request reads like: the requester's own frame does not count."""

import pytest

from edudesk.incidents import intake, services
from edudesk.incidents.tests.conftest import OUTAGE_TEXT, OUTAGE_TITLE
from edudesk.intake.submission import RequesterData, Submission
from edudesk.testing import factories

pytestmark = pytest.mark.django_db

# A teacher who writes every letter as a reply to an old one: its heading (the product, a
# symptom she once had) and her signature come with each.
FRAME = "Re: Электронный журнал не открывается. Петрова А.С., МБОУ «Лицей № 7»"
EARLIER = ["Не могу добавить ученика в группу.", "Как распечатать отчёт об успеваемости?",
           "Не приходит письмо для смены пароля."]


# What the service's other teachers ask about (its term weights are counted over them).
OTHERS = ["Не могу войти под своим логином", "Ребёнок не видит домашнее задание",
          "Как перевести ученика в другой класс?", "Не печатается табель успеваемости",
          "Не загружается расписание на неделю", "Родитель не получает уведомления",
          "Ошибка при импорте списка учеников", "Как изменить тему урока в планировании?"]


@pytest.fixture
def petrova(eschool, schools, teachers):
    for n, text in enumerate(OTHERS):
        factories.ticket(eschool, teachers[n % len(teachers)], subject=text, description=text)
    teacher = factories.contact(eschool, full_name="Петрова Анна Сергеевна", org=schools[0],
                                email="petrova@lyceum7.example")
    for text in EARLIER:
        factories.ticket(eschool, teacher, subject=text, description=f"{text}\n{FRAME}")
    return teacher


def known(service, teacher, text):
    submission = Submission(service=service, channel="email", description=text,
                            requester=RequesterData(email=teacher.email))
    return intake.known_problem(submission, teacher)


def test_the_requesters_usual_frame_does_not_link_another_problem_to_the_outage(
        eschool, petrova, line1_agent):
    services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE, public_text=OUTAGE_TEXT)
    # Her earlier letters show the heading is hers, not this problem.
    assert known(eschool, petrova, f"Не сохраняются оценки.\n{FRAME}") is None


def test_the_same_requester_reporting_the_outage_is_still_linked(eschool, petrova, line1_agent):
    incident = services.declare(service=eschool, agent=line1_agent, title=OUTAGE_TITLE,
                                public_text=OUTAGE_TEXT)
    match = known(eschool, petrova, f"С 8:15 ошибка 502 на каждой странице.\n{FRAME}")
    assert match is not None and match.incident == incident and match.confident

