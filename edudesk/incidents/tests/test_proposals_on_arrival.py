"""The desk proposes a mass incident as soon as a new request crosses the threshold (evaluated
after the commit of every new request), and one cluster makes one proposal."""

import pytest

from edudesk.incidents import proposals
from edudesk.incidents.models import IncidentPolicy, IncidentProposal
from edudesk.incidents.tests.conftest import OTHER_PROBLEM, SAME_OUTAGE, outage_ticket
from edudesk.testing import factories

pytestmark = pytest.mark.django_db(transaction=True)  # evaluated after the commit


@pytest.fixture
def policy(eschool):
    return IncidentPolicy.objects.create(service=eschool, propose_min_tickets=3,
                                         propose_min_organisations=3, propose_window_minutes=30)


def test_the_request_that_crosses_the_threshold_is_proposed_at_once(eschool, teachers, policy):
    first, second = (outage_ticket(eschool, t, text)
                     for t, text in zip(teachers[:2], SAME_OUTAGE[:2], strict=True))
    outage_ticket(eschool, teachers[2], OTHER_PROBLEM)
    assert not IncidentProposal.objects.exists(), "two schools are not yet a mass incident"
    third = outage_ticket(eschool, teachers[2], SAME_OUTAGE[2])
    # no five-minute job has run
    [proposal] = IncidentProposal.objects.all()
    assert set(proposal.tickets.all()) == {first, second, third} and proposal.organisations == 3


def test_later_requests_of_the_same_cluster_join_its_proposal(eschool, teachers, schools, policy):
    for teacher, text in zip(teachers, SAME_OUTAGE, strict=True):
        outage_ticket(eschool, teacher, text)
    fourth_school = factories.organisation(eschool, name="МБОУ «Гимназия № 2»")
    late = [outage_ticket(eschool, factories.contact(eschool, full_name=f"Учитель {n}",
                                                      org=fourth_school, email=f"late{n}@gym2.example"),
                          SAME_OUTAGE[n % 3]) for n in range(3)]
    [proposal] = IncidentProposal.objects.all()
    assert proposal.tickets.count() == 6 and set(late) <= set(proposal.tickets.all())
    assert proposals.propose(eschool) == [], "the periodic job proposes it no second time"


def test_evaluating_an_arrival_costs_the_same_queries_however_many_requests_it_is_compared_with(
        eschool, teachers, policy):
    """The window's requests are read in one query, as plain rows (a whole ticket per candidate
    cost more than the comparisons: 200 per arrival)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_one_more(others: int) -> int:
        for n in range(others):
            outage_ticket(eschool, teachers[n % 2], f"{OTHER_PROBLEM} ({n})")
        arrival = outage_ticket(eschool, teachers[0], OTHER_PROBLEM)
        with CaptureQueriesContext(connection) as captured:
            proposals.consider(arrival)
        return len(captured.captured_queries)

    assert queries_for_one_more(1) == queries_for_one_more(10)


def test_a_burst_evaluated_in_one_job_proposes_what_arrivals_one_by_one_would(
        eschool, teachers, schools, policy, monkeypatch):
    """The outbox job that takes a burst's work along evaluates the new requests together
    (``consider_many``): one proposal for the whole cluster, the other request left out."""
    from edudesk.tickets import outbox
    from edudesk.tickets.models import PendingEffect

    monkeypatch.setattr(outbox, "_enqueue", lambda ids: None)  # the burst waits for one job
    fourth_school = factories.organisation(eschool, name="МБОУ «Гимназия № 2»")
    late = factories.contact(eschool, full_name="Учитель гимназии", org=fourth_school,
                             email="late@gym2.example")
    cluster = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    other = outage_ticket(eschool, teachers[0], OTHER_PROBLEM)
    cluster.append(outage_ticket(eschool, late, SAME_OUTAGE[1]))
    assert not IncidentProposal.objects.exists()

    outbox.dispatch(list(PendingEffect.objects.order_by("id").values_list("id", flat=True))[:1])

    [proposal] = IncidentProposal.objects.all()
    assert set(proposal.tickets.all()) == set(cluster) and other not in proposal.tickets.all()
    # All five were committed when the job ran: the cluster is proposed with its four schools.
    assert proposal.organisations == 4
