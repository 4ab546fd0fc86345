"""How long what a channel submits may be: the columns it is stored in, and caps for free text.

Two checks, both run by the pipeline for every channel (``pipeline._basic_errors`` and
``pipeline.register``):

* ``oversized_text``: a description, reply or field value longer than EDUDESK_MAX_TEXT_CHARS is
  refused, except from mail (bounded by EDUDESK_MAIL_MAX_BYTES and never refused for its length);
* ``length_errors``: a value longer than the column it is stored in (the subject, the category,
  the requester's name, address, phone, login, organisation, city, region), too many fields or
  a field name too long. The web form, the widget and the API refuse it naming the field and
  store nothing; a mail cannot be sent back to be shortened, so its values are cut to fit
  (``fit``) and the mail itself is kept whole.

The API's schemas read the same limits (``api/schemas.py``), so the documented maximum is the
one enforced.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from edudesk.accounts.models import Contact, Organisation
from edudesk.intake.submission import Submission
from edudesk.tickets.models import Channel, Ticket

# The structured data of the service's form (``Ticket.fields``): how many, and their names.
FIELDS_LIMIT = 100
FIELD_KEY_LIMIT = 100


def text_limit() -> int:
    return settings.EDUDESK_MAX_TEXT_CHARS


def oversized_text(description: str, fields: dict, channel: str) -> dict[str, list[str]]:
    """Field-level errors for text longer than EDUDESK_MAX_TEXT_CHARS; empty when all fit."""
    if channel == Channel.EMAIL:
        return {}
    limit = text_limit()
    texts = {"description": description or "",
             **{key: value for key, value in (fields or {}).items() if isinstance(value, str)}}
    return {key: [_("Сократите текст до %(limit)d символов (сейчас %(length)d).")
                  % {"limit": limit, "length": len(value)}]
            for key, value in texts.items() if len(value) > limit}


def _column(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _ticket_columns() -> dict[str, int]:
    return {"subject": _column(Ticket, "subject"), "category": _column(Ticket, "category")}


def _requester_columns() -> dict[str, int]:
    return {
        "email": _column(Contact, "email"),
        "full_name": _column(Contact, "full_name"),
        "phone": _column(Contact, "phone"),
        "login": _column(Contact, "login"),
        "organisation": _column(Organisation, "name"),
        "city": _column(Organisation, "city"),
        "region": _column(Organisation, "region"),
    }


def _too_long(limit: int) -> str:
    return _("Не длиннее %(limit)s символов.") % {"limit": limit}


def length_errors(submission: Submission) -> dict[str, list[str]]:
    """Errors for every value longer than its column, keyed by the field's name."""
    errors: dict[str, list[str]] = {}
    for name, limit in _ticket_columns().items():
        if len(getattr(submission, name) or "") > limit:
            errors[name] = [_too_long(limit)]
    fields = submission.fields or {}
    for name, limit in _requester_columns().items():
        # The form's value too: the channel's identity may win over it, but it is still stored.
        typed = fields.get(name)
        too_long = isinstance(typed, str) and len(typed) > limit
        if too_long or len(getattr(submission.requester, name) or "") > limit:
            errors[name] = [_too_long(limit)]
    if len(fields) > FIELDS_LIMIT:
        errors["fields"] = [_("Не больше %(limit)s полей.") % {"limit": FIELDS_LIMIT}]
    if any(len(str(key)) > FIELD_KEY_LIMIT for key in fields):
        errors["fields"] = [_("Имя поля не длиннее %(limit)s символов.") % {"limit": FIELD_KEY_LIMIT}]
    return errors


def fit(submission: Submission) -> None:
    """Cut what a mail brought to the lengths of its columns (the raw mail stays whole)."""
    for name, limit in _ticket_columns().items():
        setattr(submission, name, (getattr(submission, name) or "")[:limit])
    columns = _requester_columns()
    for name, limit in columns.items():
        setattr(submission.requester, name, (getattr(submission.requester, name) or "")[:limit])
    submission.fields = {
        str(key)[:FIELD_KEY_LIMIT]: value[:columns[key]] if isinstance(value, str) and key in columns
        else value
        for key, value in list((submission.fields or {}).items())[:FIELDS_LIMIT]}
