"""Weekly and monthly summaries by mail, with the report attached as XLSX, once per period."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from edudesk.mail.models import OutboundMail
from edudesk.mail.outbound import build_message
from edudesk.reports.models import SummarySubscription
from edudesk.reports.summaries import last_finished_period, send_due
from edudesk.testing import factories

MSK = ZoneInfo("Europe/Moscow")
TUESDAY = datetime(2026, 3, 10, 9, 0, tzinfo=MSK)


@pytest.fixture
def subscribed(supervisor, eschool, teacher):
    supervisor.email = "volkova@support.example"
    supervisor.save()
    factories.ticket(eschool, teacher, now=TUESDAY - timedelta(days=7))
    return SummarySubscription.objects.create(user=supervisor, frequency="weekly")


def test_the_last_finished_week_and_month():
    assert last_finished_period("weekly", TUESDAY.date()) == (
        date(2026, 3, 2), date(2026, 3, 8))
    assert last_finished_period("monthly", TUESDAY.date()) == (
        date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.django_db
def test_a_weekly_summary_is_mailed_with_the_report_attached_as_xlsx(
        subscribed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due(TUESDAY) == 1

    outbound = OutboundMail.objects.get(template="report_summary")
    assert outbound.to_address == "volkova@support.example"
    assert "02.03.2026–08.03.2026" in outbound.subject
    assert "создано обращений: 1" in outbound.body_text
    (name, content, _content_type) = build_message(outbound).attachments[0]
    assert name == "edudesk-20260302-20260308.xlsx"
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Итоги"
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == name


@pytest.mark.django_db
def test_a_period_is_mailed_once(subscribed):
    send_due(TUESDAY)

    assert send_due(TUESDAY + timedelta(hours=1)) == 0
    assert OutboundMail.objects.filter(template="report_summary").count() == 1


@pytest.mark.django_db
def test_a_supervisor_turns_the_monthly_summary_on_and_off(client, supervisor):
    supervisor.email = "volkova@support.example"
    supervisor.save()
    client.force_login(supervisor)

    client.post(reverse("reports:subscription"), {"frequency": "monthly", "on": "1"})
    assert list(supervisor.report_subscriptions.values_list("frequency", flat=True)) == ["monthly"]
    client.post(reverse("reports:subscription"), {"frequency": "monthly", "on": "0"})
    assert not supervisor.report_subscriptions.exists()
