"""What duplicate detection is told besides the texts: the service's term weights and the
requester's earlier tickets."""

import pytest

from edudesk.intake import term_weights, writer_history
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


def test_a_services_weights_count_its_own_tickets_only(eschool, uchipro, teacher, lms_learner):
    factories.ticket(eschool, teacher, subject="Электронный журнал не открывается")
    factories.ticket(eschool, teacher, subject="Электронный журнал: пропало расписание")
    factories.ticket(uchipro, lms_learner, subject="Не открывается курс")
    weights = term_weights.for_service(eschool.pk, now=0.0)
    assert weights.documents == 2
    assert weights.frequency["журнал"] == 2
    assert "курс" not in weights.frequency


def test_a_services_weights_are_counted_again_only_after_their_lifetime(eschool, teacher):
    factories.ticket(eschool, teacher, subject="Не открывается журнал")
    first = term_weights.for_service(eschool.pk, now=0.0)
    factories.ticket(eschool, teacher, subject="Пропало расписание")
    assert term_weights.for_service(eschool.pk, now=term_weights.LIFETIME - 1) is first
    assert term_weights.for_service(eschool.pk, now=term_weights.LIFETIME + 1).documents == 2


def test_the_writers_history_is_their_other_tickets_of_the_service(eschool, teacher,
                                                                  another_teacher):
    shown = factories.ticket(eschool, teacher, subject="Пропало расписание")
    factories.ticket(eschool, teacher, subject="Не формируется отчёт", description="Отчёт 5А")
    factories.ticket(eschool, another_teacher, subject="Чужое обращение")
    assert writer_history.earlier_texts(teacher.pk, eschool.pk, exclude=[shown.pk]) == [
        "Не формируется отчёт\nОтчёт 5А"]


@pytest.fixture
def lms_learner(uchipro):
    return factories.contact(uchipro, full_name="Смирнов Павел Андреевич",
                             email="p.smirnov@vendor.example")
