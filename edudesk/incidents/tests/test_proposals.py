"""The desk proposes a mass incident when similar requests from several schools arrive."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from edudesk.incidents import proposals, services
from edudesk.incidents.models import IncidentPolicy, IncidentProposal
from edudesk.incidents.tests.conftest import OTHER_PROBLEM, SAME_OUTAGE, outage_ticket
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(eschool):
    return IncidentPolicy.objects.create(service=eschool, propose_min_tickets=3,
                                         propose_min_organisations=3, propose_window_minutes=30)


def test_similar_requests_from_enough_schools_in_the_window_are_proposed(eschool, teachers, policy):
    outage = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    outage_ticket(eschool, teachers[0], OTHER_PROBLEM)
    [proposal] = proposals.propose(eschool)
    assert set(proposal.tickets.all()) == set(outage) and proposal.organisations == 3
    assert proposals.propose(eschool) == [], "proposed once"


def test_one_school_writing_three_times_is_not_a_mass_incident(eschool, teachers, policy):
    for text in SAME_OUTAGE:
        outage_ticket(eschool, teachers[0], text)
    assert proposals.propose(eschool) == []


def test_requests_outside_the_window_are_not_grouped(eschool, teachers, policy):
    with time_machine.travel(timezone.now() - timedelta(hours=2)):
        outage_ticket(eschool, teachers[0], SAME_OUTAGE[0])
    for teacher, text in zip(teachers[1:], SAME_OUTAGE[1:], strict=True):
        outage_ticket(eschool, teacher, text)
    assert proposals.propose(eschool) == []


def test_declaring_from_a_proposal_links_its_tickets_and_closes_it(eschool, teachers, policy,
                                                                    line1_agent):
    outage = [outage_ticket(eschool, t, text) for t, text in zip(teachers, SAME_OUTAGE, strict=True)]
    [proposal] = proposals.propose(eschool)
    client = Client()
    client.force_login(line1_agent)
    page = client.get("/desk/incidents/").content.decode()
    assert "Похоже на массовый инцидент" in page and f"?proposal={proposal.pk}" in page
    form = client.get(f"/desk/incidents/new?proposal={proposal.pk}").content.decode()
    assert all(t.number in form for t in outage)
    incident = services.declare(service=eschool, agent=line1_agent, title="Журнал",
                                public_text="Не открывается.", tickets_=outage)
    proposal.refresh_from_db()
    assert proposal.state == IncidentProposal.State.DECLARED
    assert incident.children.count() == 3


def test_an_agent_dismisses_a_proposal(eschool, teachers, policy, line1_agent, outsider_agent):
    for teacher, text in zip(teachers, SAME_OUTAGE, strict=True):
        outage_ticket(eschool, teacher, text)
    [proposal] = proposals.propose(eschool)
    outsider = Client()
    outsider.force_login(outsider_agent)
    assert outsider.post(f"/desk/incidents/proposals/{proposal.pk}/dismiss").status_code == 404
    client = Client()
    client.force_login(line1_agent)
    assert client.post(f"/desk/incidents/proposals/{proposal.pk}/dismiss").status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == IncidentProposal.State.DISMISSED
    factories.ticket(eschool, teachers[0], subject=SAME_OUTAGE[0], description=SAME_OUTAGE[0])
    assert proposals.propose(eschool) == [], "a dismissed proposal's tickets are not proposed again"


def test_each_request_is_read_once_however_many_pairs_are_compared(eschool, teachers, policy,
                                                                  monkeypatch):
    """The periodic job compares every pair of the window's requests and arrival compares the
    new one with up to 200: each text's features are computed once, not once per pair
    (arrival alone cost 35–45 ms CPU per new ticket at 200 candidates)."""
    from edudesk.intake import similarity

    tickets = [outage_ticket(eschool, teacher, text)
               for teacher, text in zip(teachers, SAME_OUTAGE, strict=True)]
    tickets += [outage_ticket(eschool, teachers[0], f"{OTHER_PROBLEM} Класс {n}") for n in range(5)]
    IncidentProposal.objects.all().delete()
    read = []
    real = similarity.features
    monkeypatch.setattr(similarity, "features", lambda text: read.append(text) or real(text))
    [proposal] = proposals.propose(eschool)
    assert len(read) <= len(tickets)
    proposal.delete()
    # the next arrival reads only itself: the others were read for these weights already
    newcomer = outage_ticket(eschool, teachers[1], "Журнал не открывается, пишет ошибку 502")
    read.clear()
    proposals.consider(newcomer)
    assert read == [f"{newcomer.subject}\n{newcomer.description}"]


def test_a_pair_scores_the_same_from_profiles_as_from_texts():
    from edudesk.intake.similarity import pair_score, profile, similarity

    texts = [*SAME_OUTAGE, OTHER_PROBLEM, "", "оценки"]
    for first in texts:
        for second in texts:
            assert pair_score(profile(first), profile(second)) == similarity(first, second)


def test_a_request_scores_the_same_against_many_as_pair_by_pair():
    """``pair_scores`` (one sparse product per view, as arrival compares a window) is
    ``pair_score`` for each pair, to rounding."""
    from edudesk.intake.similarity import pair_score, pair_scores, profile

    texts = [*SAME_OUTAGE, OTHER_PROBLEM, "", "оценки"]
    profiles = [profile(text) for text in texts]
    for first in profiles:
        together = pair_scores(first, profiles)
        assert together == pytest.approx([pair_score(first, other) for other in profiles], abs=1e-12)
    assert pair_scores(profiles[0], []) == []


def test_pair_scores_stay_right_when_the_terms_are_numbered_afresh(monkeypatch):
    """The process's term numbering starts again once full (between comparisons, never inside
    one, however many terms one comparison brings)."""
    from edudesk.intake import similarity

    monkeypatch.setattr(similarity._TERMS, "MOST", 10)
    profiles = [similarity.profile(text) for text in [*SAME_OUTAGE, OTHER_PROBLEM]]
    for first in profiles:
        generation = similarity._TERMS.generation
        assert similarity.pair_scores(first, profiles) == pytest.approx(
            [similarity.pair_score(first, other) for other in profiles], abs=1e-12)
        assert similarity._TERMS.generation in (generation, generation + 1)
