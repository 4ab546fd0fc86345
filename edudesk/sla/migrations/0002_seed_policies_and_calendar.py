"""Seed the default SLA policies and the shipped Russian production calendar (region ru).

Policies (working minutes), see docs/sla.md: review within 60 minutes for every priority
(the seeds' promise); first answer / solution per priority.
"""

from django.db import migrations

DEFAULT_POLICIES = {
    # priority: (review, first answer, solution)
    "critical": (60, 60, 240),
    "high": (60, 120, 540),
    "normal": (60, 240, 1620),
    "low": (60, 540, 2700),
}


def seed(apps, schema_editor):
    from edudesk.sla.production_calendar import SHIPPED_CALENDAR, read_calendar

    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    for priority, (review, first_answer, solution) in DEFAULT_POLICIES.items():
        SlaPolicy.objects.get_or_create(
            service=None,
            priority=priority,
            defaults={"review_minutes": review, "first_answer_minutes": first_answer,
                      "solution_minutes": solution},
        )
    existing = set(CalendarDay.objects.filter(service=None, region="ru").values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(region="ru", date=entry.day, kind=entry.override.kind.value,
                    note=entry.override.note[:200], source=entry.source[:100])
        for entry in read_calendar(SHIPPED_CALENDAR)
        if entry.day not in existing
    )


def unseed(apps, schema_editor):
    apps.get_model("sla", "CalendarDay").objects.filter(service=None, region="ru").delete()
    apps.get_model("sla", "SlaPolicy").objects.filter(service=None).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
