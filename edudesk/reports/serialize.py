"""Report figures as plain data: the API's JSON (and anything else that needs them unrendered)."""

from edudesk.reports import metrics as m
from edudesk.reports.figures import Duration, Period, Satisfaction


def duration(value: Duration) -> dict:
    return {"count": value.count, "median_minutes": value.median, "p90_minutes": value.p90}


def satisfaction(value: Satisfaction) -> dict:
    return {"ratings": value.count, "average": value.average, "share_good": value.share_good,
            "low": value.low}


def period(value: Period) -> dict:
    return {
        "start": value.start, "end": value.end,
        "created": value.count(m.CREATED), "resolved": value.count(m.RESOLVED),
        "cancelled": value.count(m.CANCELLED), "reopened": value.count(m.REOPENED),
        "backlog_at_end": value.backlog, "repeats": value.count(m.REPEAT),
        "merged": value.count(m.MERGED), "split": value.count(m.SPLIT),
        "converted_consultations": value.count(m.CONVERTED),
        "needed_clarification": value.count(m.CLARIFIED),
        "clarification_rate": value.clarification_rate, "reopen_rate": value.reopen_rate,
        "clarification_wait": duration(value.clarification_wait),
        "sla": {clock: {"met": s.met.count, "breached": s.breached.count, "share_met": s.share_met,
                        **{k: v for k, v in duration(s.all).items() if k != "count"}}
                for clock, s in value.sla.items()},
        "satisfaction": satisfaction(value.satisfaction),
    }


def board(value) -> dict:
    return {
        "at": value.now,
        "lines": [{
            "service": line.service.code, "line_id": line.group_id or None, "line": line.name,
            "open": line.open, "by_status": {str(k): v for k, v in line.by_status.items()},
            "unassigned": line.unassigned, "waiting_for_support": line.waiting_for_support,
            "waiting_for_customer": line.waiting_for_customer,
            "oldest_waiting_since": line.oldest_waiting,
            "created_today": line.created_today, "resolved_today": line.resolved_today,
            "sla": {str(kind): {"at_risk": at_risk, "late": late}
                    for kind, at_risk, late in line.clocks()},
        } for line in value.lines],
        "agents": [{"id": a.agent.pk, "name": str(a.agent), "open": a.open, "at_risk": a.at_risk}
                   for a in value.agents],
    }
