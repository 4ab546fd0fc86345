"""Measurements made inside the bench process: the SLA sweep and e-mail ingestion (one consumer).

Both are jobs a Huey consumer runs; calling their public functions directly times the job
itself, without the queue's polling interval.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone
from load import Result
from seed import BaseData

from edudesk.accounts.models import Service


def measure_sla_sweep(count: int) -> Result:
    """Make `count` running clocks fall due now, then time one sweep that escalates them all."""
    from edudesk.sla.escalation import sweep
    from edudesk.sla.models import ClockState, SlaClock

    now = timezone.now()
    ids = list(SlaClock.objects.filter(state=ClockState.RUNNING).order_by("-id")
               .values_list("id", flat=True)[:count])
    SlaClock.objects.filter(id__in=ids).update(
        due_at=now - timedelta(minutes=1), warn_at=now - timedelta(minutes=10),
        warned_at=now - timedelta(minutes=10), escalated_at=None, breached=False)
    result = Result(name="SLA sweep (escalations)", concurrency=1)
    started = time.perf_counter()
    outcome = sweep(now, batch=max(count, 1))
    result.seconds = time.perf_counter() - started
    result.requests = outcome.escalated
    result.latencies_ms = [result.seconds * 1000 / max(1, outcome.escalated)] * outcome.escalated
    if outcome.escalated != len(ids):
        result.errors = abs(len(ids) - outcome.escalated)
        result.first_error = f"escalated {outcome.escalated} of {len(ids)} clocks due"
    return result


def sample_mail(rng: random.Random, base: BaseData, n: int, marker: str, reply_to: str | None) -> bytes:
    from dataset import problem_text

    service = base.services[0]
    _contact_id, _org, login, name = service.pick_contact(rng)
    subject, description = problem_text(rng, service, login, name, timezone.now())
    mail = EmailMessage()
    mail["From"] = f"{name} <{login}@school{n % 997}.example>"
    mail["To"] = "edu.support@o7.com"
    mail["Subject"] = f"Re: [{reply_to}] {subject}" if reply_to else f"{subject} ({marker}-{n})"
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain=f"{marker}.bench.example")
    mail.set_content(description)
    return mail.as_bytes()


def measure_mail_ingest(base: BaseData, rng: random.Random, count: int, marker: str,
                        numbers: list[str]) -> Result:
    """Mails per second through ``mail.ingest``: a mix of new requests and replies to tickets."""
    from edudesk.mail.ingest import ingest

    service = Service.objects.get(code=base.services[0].code)
    mails = [sample_mail(rng, base, n, marker, numbers[n % len(numbers)] if n % 3 == 0 and numbers else None)
             for n in range(count)]
    result = Result(name="mail ingest (one consumer)", concurrency=1)
    started = time.perf_counter()
    for raw in mails:
        one = time.perf_counter()
        outcome = ingest(raw, service=service, source="lmtp")
        result.latencies_ms.append((time.perf_counter() - one) * 1000)
        result.requests += 1
        if outcome.state == "quarantined":
            result.errors += 1
            result.first_error = result.first_error or f"quarantined: inbound #{outcome.inbound_id}"
    result.seconds = time.perf_counter() - started
    return result
