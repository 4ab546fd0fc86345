"""Agents manage articles in the desk: list and search, write, edit (keeping history), history."""

import pytest

from edudesk.kb.models import Article, Category
from edudesk.kb.tests.conftest import write
from edudesk.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, line1_agent):
    client.force_login(line1_agent)
    return client


def test_the_list_needs_a_signed_in_agent(client, grades_article):
    response = client.get("/desk/kb/")
    assert response.status_code == 302 and "/desk/sign-in" in response["Location"]


def test_the_list_shows_the_agents_services_articles_drafts_and_internal_included(
        agent_client, grades_article, line1_agent, eschool, uchipro):
    write(line1_agent, eschool, "Черновик про расписание", "текст", status=Article.Status.DRAFT)
    lms_agent = factories.agent(uchipro, username="lms")
    write(lms_agent, uchipro, "Статья чужого сервиса", "текст")
    page = agent_client.get("/desk/kb/").content.decode()
    assert grades_article.title in page and "Черновик про расписание" in page
    assert "Статья чужого сервиса" not in page


def test_search_in_the_desk_reads_word_forms(agent_client, grades_article):
    page = agent_client.get("/desk/kb/", {"q": "оценка не сохранилась"}).content.decode()
    assert grades_article.title in page


def test_an_agent_writes_an_article_in_a_new_category(agent_client, eschool, line1_agent):
    response = agent_client.post("/desk/kb/new", {
        "service": eschool.pk, "new_category": "Расписание", "title": "Урок пропал из расписания",
        "body": "1. Проверьте неделю\n2. Спросите администратора", "visibility": "public",
        "status": "published"})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/kb/{article.pk}/"
    assert article.category == Category.objects.get(service=eschool, name="Расписание")
    assert article.created_by == line1_agent and "<ol>" in article.html


def test_a_form_without_text_is_refused_with_a_message_and_nothing_is_saved(agent_client, eschool):
    response = agent_client.post("/desk/kb/new", {
        "service": eschool.pk, "title": "Пусто", "body": "  ", "visibility": "public",
        "status": "draft"})
    assert response.status_code == 400
    assert "Напишите текст статьи." in response.content.decode()
    assert not Article.objects.exists()


def test_a_category_of_another_service_is_refused(agent_client, eschool, uchipro, line1_agent):
    line1_agent.services.add(uchipro)
    foreign = Category.objects.create(service=uchipro, name="Курсы")
    response = agent_client.post("/desk/kb/new", {
        "service": eschool.pk, "category": foreign.pk, "title": "Т", "body": "текст",
        "visibility": "public", "status": "draft"})
    assert response.status_code == 400 and not Article.objects.exists()


def test_editing_keeps_the_previous_version_shown_in_the_history(agent_client, grades_article,
                                                                 eschool):
    response = agent_client.post(f"/desk/kb/{grades_article.pk}/edit", {
        "service": eschool.pk, "category": grades_article.category_id, "title": "Оценки пропадают",
        "body": "Новый текст", "visibility": "internal", "status": "published"})
    assert response.status_code == 302
    history = agent_client.get(f"/desk/kb/{grades_article.pk}/history").content.decode()
    assert "Оценки не сохраняются в электронном журнале" in history
    assert "Соколова Анна" in history
    grades_article.refresh_from_db()
    assert grades_article.visibility == "internal"


def test_an_agent_of_another_service_gets_404(client, grades_article, uchipro):
    client.force_login(factories.agent(uchipro, username="lms"))
    assert client.get(f"/desk/kb/{grades_article.pk}/").status_code == 404
    assert client.get(f"/desk/kb/{grades_article.pk}/edit").status_code == 404
    assert client.get(f"/desk/kb/{grades_article.pk}/history").status_code == 404


def test_the_desk_search_also_lists_matching_articles(agent_client, grades_article):
    page = agent_client.get("/desk/search", {"q": "оценки не сохраняются"}).content.decode()
    assert 'id="kb-beside-title"' in page and grades_article.title in page
    assert "/desk/kb/?q=" in page


def test_the_article_form_groups_visibility_and_status_in_fieldsets(agent_client):
    page = agent_client.get("/desk/kb/new").content.decode()
    assert "<legend>Кто видит</legend>" in page and "<legend>Состояние</legend>" in page
    assert '<label for="id_title">Заголовок</label>' in page
