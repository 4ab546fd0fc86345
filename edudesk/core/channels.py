"""How to reach each service's support, as the guides put it, from the service's configuration:
official requests (the web form, the support e-mail) are registered and tracked; calls and
messengers are consultations; the working hours and what happens out of them."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from edudesk.accounts.models import Service
from edudesk.sla.calendars import hours_for

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
ZONE_NAMES = {"Europe/Moscow": "МСК"}


@dataclass(frozen=True)
class ServiceChannels:
    service: Service
    email: str
    phone: str
    hours: str  # «в будние дни с 8:00 до 17:00 (МСК)»; empty when no day has hours


def _clock(text: str) -> str:
    """«08:00» → «8:00», as the guides write it."""
    return text.strip().lstrip("0") if not text.strip().startswith("00") else text.strip()


def _day_text(periods: str) -> str:
    spans = []
    for part in (p for p in periods.replace(";", ",").split(",") if p.strip()):
        start, _dash, end = part.partition("-")
        spans.append(_("с %(start)s до %(end)s") % {"start": _clock(start), "end": _clock(end)})
    return ", ".join(spans)


def working_hours_text(service: Service) -> str:
    hours = hours_for(service)
    zone = ZONE_NAMES.get(service.time_zone, service.time_zone)
    days = {day: getattr(hours, day).strip() for day in (*WEEKDAYS, "saturday", "sunday")}
    weekdays = {days[day] for day in WEEKDAYS}
    if len(weekdays) == 1 and "" not in weekdays and not days["saturday"] and not days["sunday"]:
        text = _("в будние дни %(spans)s") % {"spans": _day_text(weekdays.pop())}
    else:
        names = {"monday": _("пн"), "tuesday": _("вт"), "wednesday": _("ср"), "thursday": _("чт"),
                 "friday": _("пт"), "saturday": _("сб"), "sunday": _("вс")}
        text = "; ".join(f"{names[day]} {_day_text(periods)}" for day, periods in days.items() if periods)
    return f"{text} ({zone})" if text else ""


def channels_for(service: Service) -> ServiceChannels:
    return ServiceChannels(service=service, email=service.support_email, phone=service.support_phone,
                           hours=working_hours_text(service))
