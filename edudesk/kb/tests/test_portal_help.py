"""The portal's help section, suggestions beside the form and «Это помогло»."""

import pytest

from edudesk.kb.models import Article, Deflection
from edudesk.kb.tests.conftest import write
from edudesk.portal.visitor import widget_session_for
from edudesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal(line1_agent, eschool):
    return write(line1_agent, eschool, "Как сбросить пароль пользователю", "Через админку",
                 visibility=Article.Visibility.INTERNAL)


def test_the_help_section_lists_public_articles_by_category(client, grades_article, internal,
                                                            line1_agent, eschool):
    draft = write(line1_agent, eschool, "Черновик", "текст", status=Article.Status.DRAFT)
    page = client.get("/support/eschool/help/").content.decode()
    assert "Журнал и оценки" in page and grades_article.title in page
    assert internal.title not in page and draft.title not in page


def test_an_internal_or_draft_article_page_is_not_found(client, grades_article, internal):
    assert client.get(f"/support/eschool/help/{grades_article.pk}").status_code == 200
    assert client.get(f"/support/eschool/help/{internal.pk}").status_code == 404
    assert client.get(f"/support/uchipro/help/{grades_article.pk}").status_code == 404


def test_the_help_search_finds_public_articles_only(client, grades_article, internal):
    page = client.get("/support/eschool/help/", {"q": "пароль сбросить"}).content.decode()
    assert internal.title not in page
    page = client.get("/support/eschool/help/", {"q": "не сохранилась оценка"}).content.decode()
    assert grades_article.title in page


def test_suggestions_for_the_typed_description(client, grades_article, internal):
    response = client.get("/support/eschool/help/suggest",
                          {"text": "После обновления страницы оценка не сохранилась"})
    articles = response.json()["articles"]
    assert [a["title"] for a in articles] == [grades_article.title]
    assert articles[0]["url"] == f"/support/eschool/help/{grades_article.pk}"
    assert articles[0]["summary"].startswith("Нажмите «Сохранить»")


def test_this_helped_ends_the_request_counts_and_creates_no_ticket(client, grades_article):
    response = client.post(f"/support/eschool/help/{grades_article.pk}/helped")
    assert response.status_code == 200
    assert "Обращение не создано" in response.content.decode()
    deflection = Deflection.objects.get()
    assert (deflection.article, deflection.service, deflection.channel) == (
        grades_article, grades_article.service, "web")
    assert not Ticket.objects.exists()


def test_this_helped_needs_the_forms_csrf_token(grades_article):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(f"/support/eschool/help/{grades_article.pk}/helped")
    assert response.status_code == 403 and not Deflection.objects.exists()


def test_this_helped_in_the_widget_needs_its_signed_session(client, grades_article, teacher, eschool):
    assert client.post(f"/support/eschool/help/{grades_article.pk}/widget-helped",
                       {"widget_session": "forged"}).status_code == 404
    session = widget_session_for(eschool, teacher, {})
    response = client.post(f"/support/eschool/help/{grades_article.pk}/widget-helped",
                           {"widget_session": session})
    assert response.status_code == 200
    assert Deflection.objects.get().channel == "widget"


def test_an_internal_article_cannot_be_counted(client, internal):
    assert client.post(f"/support/eschool/help/{internal.pk}/helped").status_code == 404


def test_the_form_offers_the_suggestion_panel(client, grades_article):
    page = client.get("/support/eschool/new?category=error").content.decode()
    assert 'id="kb-suggestions"' in page and "kb/suggest.js" in page
    assert 'id="kb-helped-form"' in page


def test_the_portal_and_start_page_link_the_help_section(client, eschool):
    assert 'href="/support/eschool/help/"' in client.get("/support/eschool/new").content.decode()
    assert 'href="/support/eschool/help/"' in client.get("/").content.decode()


def test_suggestions_and_this_helped_are_rate_limited_per_address(client, settings, grades_article):
    """Each suggestion scores the service's articles: one address may not ask without end, nor
    inflate the deflection figures with «Это помогло»."""
    settings.EDUDESK_RATE_KB_PER_ADDRESS = 3
    url = "/support/eschool/help/suggest"
    for _ in range(3):
        assert client.get(url, {"text": "оценка не сохранилась"}).status_code == 200
    refused = client.get(url, {"text": "оценка не сохранилась"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json() == {"articles": []}
    before = Deflection.objects.count()
    assert client.post(f"/support/eschool/help/{grades_article.pk}/helped").status_code == 429
    assert Deflection.objects.count() == before
