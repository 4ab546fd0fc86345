"""Screenshots kept across a failed submit (intake.pending_uploads): tied to the form's token,
checked again when sent, removable, and swept when abandoned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from edudesk.intake import pending_uploads
from edudesk.intake.attachments import AcceptedImage
from edudesk.intake.models import PendingUpload
from edudesk.intake.tests import files

pytestmark = pytest.mark.django_db


def image(name="ошибка.png") -> AcceptedImage:
    return AcceptedImage(original_name=name, data=files.png(40, 30), format="PNG", width=40,
                         height=30)


def test_a_forged_or_missing_token_names_nothing_and_a_new_one_is_made():
    made = pending_uploads.token_from("")
    assert len(made) == 32 and pending_uploads.token_from(made) == made
    assert pending_uploads.token_from("../../etc") != "../../etc"


def test_kept_screenshots_come_back_as_files_to_check_again(eschool):
    token = pending_uploads.token_from("")
    pending_uploads.keep(eschool, token, [image("картинка1.png"), image("картинка2.png")])
    again = pending_uploads.as_incoming(eschool, token)
    assert [f.name for f in again] == ["картинка1.png", "картинка2.png"]
    assert again[0].content.startswith(b"\x89PNG") and again[0].declared_type == "image/png"


def test_another_service_or_token_sees_nothing(eschool, uchipro):
    token = pending_uploads.token_from("")
    pending_uploads.keep(eschool, token, [image()])
    assert pending_uploads.held(uchipro, token) == []
    assert pending_uploads.held(eschool, pending_uploads.token_from("")) == []


def test_a_removed_screenshot_is_gone_and_the_others_stay(eschool):
    token = pending_uploads.token_from("")
    pending_uploads.keep(eschool, token, [image("a.png"), image("b.png")])
    first = pending_uploads.held(eschool, token)[0]
    pending_uploads.remove(eschool, token, str(first.pk))
    assert [row.original_name for row in pending_uploads.held(eschool, token)] == ["b.png"]


def test_the_sweep_removes_what_abandoned_forms_left(eschool):
    token = pending_uploads.token_from("")
    pending_uploads.keep(eschool, token, [image()], now=timezone.now() - timedelta(hours=3))
    fresh = pending_uploads.token_from("")
    pending_uploads.keep(eschool, fresh, [image()])
    assert pending_uploads.sweep() == 1
    assert list(PendingUpload.objects.values_list("token", flat=True)) == [fresh]
