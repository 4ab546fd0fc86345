"""Search fixtures: tickets indexed the way production indexes them (after commit, by job)."""

import pytest

from edudesk.testing import factories


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run a block of ticket changes and let their after-commit indexing jobs run."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture
def grades_ticket(indexed, eschool, teacher):
    """Мария Петровна cannot save grades: «При сохранении оценок появляется сообщение об ошибке»."""
    return indexed(factories.ticket, eschool, teacher)


@pytest.fixture
def lms_learner(uchipro):
    return factories.contact(uchipro, full_name="Смирнов Павел Андреевич",
                             email="p.smirnov@vendor.example", phone="79161234567")


@pytest.fixture
def lms_ticket(indexed, uchipro, lms_learner):
    """A learner of the LMS vendor also has an error: only the vendor's agents may find it."""
    return indexed(factories.ticket, uchipro, lms_learner, subject="Ошибка при прохождении теста",
                   description="Тест не засчитывается, выходит ошибка.")
