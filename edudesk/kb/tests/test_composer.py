"""Agents find articles from the composer and put a link or the text into a reply; a good answer
becomes an article in one step."""

import pytest

from edudesk.kb.models import Article
from edudesk.kb.tests.conftest import write
from edudesk.testing import factories
from edudesk.tickets import services as tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(eschool, teacher):
    return factories.ticket(eschool, teacher, subject="Не сохраняются оценки",
                            description="Ставлю оценки, после обновления их нет")


@pytest.fixture
def agent_client(client, line1_agent):
    client.force_login(line1_agent)
    return client


def test_the_composer_offers_the_picker_and_finds_the_article(agent_client, ticket, grades_article):
    page = agent_client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert 'id="kb-picker-q"' in page
    found = agent_client.get(f"/desk/kb/pick/{ticket.number}", {"kb_q": "оценки не сохранились"})
    assert grades_article.title in found.content.decode()
    assert "Вставить ссылку" in found.content.decode()


def test_inserting_a_link_appends_the_public_address(agent_client, ticket, grades_article):
    response = agent_client.post(f"/desk/kb/insert/{ticket.number}",
                                 {"article": grades_article.pk, "as": "link", "body": "Добрый день!"})
    body = response.content.decode()
    assert "Добрый день!\n\nОценки не сохраняются в электронном журнале: " \
           f"http://testserver/support/eschool/help/{grades_article.pk}" in body


def test_inserting_the_text_appends_the_article_without_markup(agent_client, ticket, grades_article):
    body = agent_client.post(f"/desk/kb/insert/{ticket.number}",
                             {"article": grades_article.pk, "as": "text", "body": ""}).content.decode()
    assert "Нажмите «Сохранить» внизу страницы" in body and "**" not in body


def test_an_internal_article_gives_its_text_but_no_link(agent_client, ticket, line1_agent, eschool):
    internal = write(line1_agent, eschool, "Сброс пароля", "Через админку",
                     visibility=Article.Visibility.INTERNAL)
    body = agent_client.post(f"/desk/kb/insert/{ticket.number}",
                             {"article": internal.pk, "as": "link", "body": "Текст"}).content.decode()
    assert "/help/" not in body and "Текст" in body


def test_a_good_answer_becomes_a_prefilled_article(agent_client, ticket, line1_agent):
    answer = tickets.add_message(ticket, body="Нажмите «Сохранить» под журналом.", kind="public",
                                 actor=factories.as_agent(line1_agent))
    page = agent_client.get(f"/desk/t/{ticket.number}/").content.decode()
    assert f"/desk/kb/new?message={answer.pk}" in page
    form = agent_client.get("/desk/kb/new", {"message": answer.pk}).content.decode()
    assert "Не сохраняются оценки" in form and "Нажмите «Сохранить» под журналом." in form
    assert ticket.number in form


def test_an_answer_of_a_ticket_the_agent_cannot_see_fills_nothing(client, ticket, line1_agent,
                                                                 uchipro):
    answer = tickets.add_message(ticket, body="Секретный ответ", actor=factories.as_agent(line1_agent))
    client.force_login(factories.agent(uchipro, username="lms"))
    assert "Секретный ответ" not in client.get("/desk/kb/new", {"message": answer.pk}).content.decode()
