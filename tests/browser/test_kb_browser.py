"""The knowledge base in a real browser: an article offered while a teacher types her request and
«Это помогло» (counted, no ticket); the portal's help section; an agent inserting an article into
a reply; a good answer turned into an article.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from edudesk.kb import services
from edudesk.kb.models import Article, Category, Deflection
from edudesk.testing import factories
from edudesk.tickets import services as tickets
from edudesk.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]

TITLE = "Оценки не сохраняются в электронном журнале"
BODY = ("Если оценка пропадает после обновления страницы, она не была сохранена.\n\n"
        "1. Выставьте оценку и нажмите **«Сохранить»** внизу страницы.\n"
        "2. Дождитесь сообщения «Изменения сохранены».\n")


def _shot(name):
    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "kb"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / f"{name}.png")


@pytest.fixture
def article(line1_agent, eschool):
    category = Category.objects.create(service=eschool, name="Журнал и оценки")
    return services.save_article(line1_agent, services.ArticleData(
        service_id=eschool.pk, title=TITLE, body=BODY, category=category,
        status=Article.Status.PUBLISHED))


@pytest.mark.parametrize("width", [1280, 390])
def test_an_article_is_suggested_while_typing_and_this_helped_ends_the_request(
        browser, live_server, article, width):
    page = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 900}).new_page()
    # GIVEN a teacher opens the request form and chooses «Ошибка»
    page.goto(f"{live_server.url}/support/eschool/new?category=error")
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions).to_be_hidden()
    # WHEN she describes her problem
    page.fill("textarea[name=description]",
              "Поставила оценку ученику, после обновления страницы она не сохранилась")
    # THEN the matching article is offered beside the form
    expect(suggestions).to_be_visible()
    expect(suggestions.locator("a.kb-title")).to_have_text(TITLE)
    if width == 390:  # on a phone right under the description, where she is looking
        assert page.evaluate("document.querySelector('#kb-suggestions').previousElementSibling"
                             ".contains(document.querySelector('textarea[name=description]'))")
    suggestions.scroll_into_view_if_needed()
    page.screenshot(path=_shot(f"form_suggestion_{width}"), full_page=True)
    # WHEN she presses «Это помогло»
    suggestions.get_by_role("button", name="Это помогло").click()
    # THEN the request ends there: a thank-you page, counted, no ticket
    expect(page.locator("h1")).to_have_text("Рады, что статья помогла!")
    page.screenshot(path=_shot(f"helped_{width}"), full_page=True)
    deflection = Deflection.objects.get()
    assert deflection.article == article and deflection.channel == "web"
    assert not Ticket.objects.exists()
    page.context.close()


def test_the_portal_help_section_is_browsable_from_the_start_page(browser, live_server, article):
    page = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 900}).new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Справка: ответы на частые вопросы").first.click()
    expect(page.locator("h1")).to_have_text("Справка")
    expect(page.locator(".kb-section h2")).to_have_text("Журнал и оценки")
    page.screenshot(path=_shot("help_index_390"), full_page=True)
    page.fill("#help-q", "оценка не сохранилась")
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".kb-body strong")).to_have_text("«Сохранить»")
    page.screenshot(path=_shot("help_article_390"), full_page=True)
    page.context.close()


def test_an_agent_inserts_an_article_link_into_a_reply(desk, live_server, article, eschool, teacher):
    ticket = factories.ticket(eschool, teacher, subject="Оценки пропадают",
                              description="Ставлю оценки, после обновления страницы их нет")
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    desk.fill("#composer-body", "Мария Петровна, добрый день!")
    desk.locator("#kb-picker summary").click()
    desk.fill("#kb-picker-q", "оценки не сохраняются")
    results = desk.locator("#kb-picker-results")
    expect(results).to_contain_text(TITLE)
    desk.screenshot(path=_shot("desk_picker_1280"), full_page=True)
    results.get_by_role("button", name=f"Вставить ссылку на статью «{TITLE}»").click()
    expect(desk.locator("#composer-body")).to_have_value(
        f"Мария Петровна, добрый день!\n\n{TITLE}: {live_server.url}/support/eschool/help/{article.pk}")
    results.get_by_role("button", name=f"Вставить текст статьи «{TITLE}»").click()
    expect(desk.locator("#composer-body")).to_have_value(re.compile("нажмите «Сохранить» внизу страницы"))


def test_a_good_answer_becomes_an_article_in_one_step(desk, live_server, eschool, teacher,
                                                      line1_agent):
    ticket = factories.ticket(eschool, teacher, subject="Как выставить итоговые оценки",
                              description="Где выставляются оценки за четверть?")
    tickets.add_message(ticket, body="Откройте журнал класса, вкладка «Итоговые оценки», выберите "
                        "четверть и нажмите «Сохранить».", kind="public",
                        actor=factories.as_agent(line1_agent))
    desk.goto(f"{live_server.url}/desk/t/{ticket.number}/")
    desk.get_by_role("link", name="Сделать статьёй базы знаний").click()
    expect(desk.locator("#id_title")).to_have_value("Как выставить итоговые оценки")
    expect(desk.locator("#id_body")).to_have_value(
        "Откройте журнал класса, вкладка «Итоговые оценки», выберите четверть и нажмите «Сохранить».")
    desk.fill("#id_new_category", "Журнал и оценки")
    desk.get_by_label("опубликована").check()
    desk.screenshot(path=_shot("desk_answer_to_article_1280"), full_page=True)
    desk.click("#article-form button[type=submit]")
    expect(desk.locator("h1")).to_have_text("Как выставить итоговые оценки")
    made = Article.objects.get()
    assert made.is_public and made.category.name == "Журнал и оценки"
    assert made.created_by == line1_agent


def test_the_lms_widget_offers_articles_and_this_helped_counts_for_the_widget(
        browser, live_server, line1_agent, uchipro):
    import secrets
    import time

    from edudesk.portal.widget_token import sign

    line1_agent.services.add(uchipro)
    services.save_article(line1_agent, services.ArticleData(
        service_id=uchipro.pk, title="Слушатель не видит назначенный курс",
        body="Проверьте запись на курс, дату начала и публикацию курса.",
        status=Article.Status.PUBLISHED))
    now = int(time.time())
    token = sign(uchipro.widget_secret, {
        "service": uchipro.code, "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        "full_name": "Петров Олег Иванович", "login": "petrov.oi", "role": "learner",
        "email": "petrov@uc.example.ru"})
    page = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"{live_server.url}/support/uchipro/widget?token={token}&category=course")
    page.fill("textarea[name=description]", "Слушатели не видят назначенный им курс в СДО")
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions.locator("a.kb-title")).to_have_text("Слушатель не видит назначенный курс")
    page.screenshot(path=_shot("widget_suggestion_390"), full_page=True)
    suggestions.get_by_role("button", name="Это помогло").click()
    expect(page.locator("h1")).to_have_text("Рады, что статья помогла!")
    assert Deflection.objects.get().channel == "widget"
    assert not Ticket.objects.exists()
    page.context.close()
