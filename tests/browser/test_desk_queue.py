"""The desk queue in a real browser (issue 13, item 5): one line per ticket, the clock that
matters now, a denser layout remembered per agent, keyboard navigation with a «?» help, updates
without a reload, and a card per ticket on a phone."""

import pytest
from playwright.sync_api import expect

from edudesk.desk.tests.browser import sign_in
from edudesk.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]

# Subjects as the web form makes them: the first line of the description, up to 120 characters.
SUBJECT = ("Не сохраняются оценки в электронном журнале 5А класса после нажатия кнопки «Сохранить», "
           "появляется ошибка №{n}")


def tickets_per_screen(page) -> int:
    """Tickets whose whole row is inside the window, as the agent sees the page when it opens."""
    return page.evaluate("""() => [...document.querySelectorAll('#queue-list tbody tr')]
        .filter(row => { const box = row.getBoundingClientRect();
                         return box.top >= 0 && box.bottom <= window.innerHeight; }).length""")


@pytest.fixture
def queue_page(browser, live_server, line1_agent, eschool, teacher):
    for n in range(40):
        factories.ticket(eschool, teacher, subject=SUBJECT.format(n=n))
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    page.goto(f"{live_server.url}/desk/?queue=new")
    yield page
    context.close()


def test_one_line_per_ticket_and_a_denser_list_remembered(queue_page, live_server, record_property):
    page = queue_page
    rows = page.locator("#queue-list tr.ticket-row")
    expect(rows).to_have_count(40)
    # one line: a row is no taller than one line of text and its padding
    heights = page.evaluate("() => [...document.querySelectorAll('#queue-list tr.ticket-row')]"
                            ".map(row => row.getBoundingClientRect().height)")
    assert max(heights) < 44, heights
    first = rows.first
    expect(first.locator(".chip.status-registered")).to_have_text("Обращение зарегистрировано")
    expect(first.locator(".chip.priority-normal")).to_be_visible()
    expect(first.locator(".chip.clock.on_time")).to_contain_text("Рассмотрение")
    expect(first.locator(".q-requester")).to_contain_text("Иванова Мария Петровна")
    normal = tickets_per_screen(page)
    record_property("tickets_per_screen_1280x800", normal)
    assert normal >= 18, normal

    page.click("#density-toggle")
    expect(page.locator("#density-toggle")).to_have_attribute("aria-pressed", "true")
    dense = tickets_per_screen(page)
    record_property("tickets_per_screen_1280x800_dense", dense)
    assert dense > normal and dense >= 23, dense
    page.goto(f"{live_server.url}/desk/?queue=all")
    expect(page.locator("#queue-page")).to_have_class("queue-page dense")
    print(f"tickets per screen at 1280x800: {normal} normal, {dense} dense")


def test_keyboard_moves_opens_replies_and_notes_with_a_help(queue_page, live_server):
    page = queue_page
    links = page.locator("#queue-list a.ticket-link")
    page.keyboard.press("j")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    expect(links.nth(2)).to_be_focused()
    expect(page.locator("#queue-list tr.ticket-row").nth(2)).to_have_class(
        "ticket-row priority-normal selected")
    page.keyboard.press("k")
    expect(links.nth(1)).to_be_focused()
    second = links.nth(1).inner_text()

    page.keyboard.press("?")
    expect(page.locator("#queue-keys")).to_be_visible()
    expect(page.locator("#queue-keys")).to_contain_text("следующее обращение")
    page.keyboard.press("Escape")
    expect(page.locator("#queue-keys")).to_be_hidden()

    page.keyboard.press("r")
    page.wait_for_url(f"**/desk/t/{second}/#reply")
    expect(page.locator("#composer-body")).to_be_focused()
    expect(page.locator("#composer input[name=mode][value=reply]")).to_be_checked()
    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("n")
    page.wait_for_url("**/#note")
    expect(page.locator("#composer input[name=mode][value=note]")).to_be_checked()
    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/t/*/")


def test_the_queue_shows_a_new_ticket_without_a_reload(browser, live_server, line1_agent, eschool, teacher,
                                                        settings):
    settings.EDUDESK_QUEUE_POLL_SECONDS = 1
    factories.ticket(eschool, teacher, subject="Первое обращение")
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    page.goto(f"{live_server.url}/desk/?queue=new")
    page.evaluate("() => { window.notReloaded = true; }")
    page.keyboard.press("j")
    answers = []
    page.on("response", lambda r: answers.append(r.status) if "/desk/queue/updates" in r.url else None)
    page.wait_for_timeout(2500)
    assert answers and set(answers) == {304}, answers  # nothing changed: nothing sent
    arrived = factories.ticket(eschool, teacher, subject="Пришло, пока очередь открыта")
    expect(page.locator("#queue-list")).to_contain_text(arrived.number, timeout=10_000)
    expect(page.locator("[data-queue-count=new]")).to_have_text("2")
    assert page.evaluate("() => window.notReloaded") is True
    expect(page.locator("#queue-list a.ticket-link").first).to_be_focused()  # the selection is kept
    context.close()


def test_on_a_phone_each_ticket_is_a_readable_card(browser, live_server, line1_agent, eschool, teacher):
    for n in range(5):
        factories.ticket(eschool, teacher, subject=SUBJECT.format(n=n))
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "line1")
    page.goto(f"{live_server.url}/desk/?queue=new")
    page.screenshot(path="/tmp/q390.png", full_page=True)
    card = page.locator("#queue-list tr.ticket-row").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    for part in (".ticket-link", ".q-subject", ".chip.status-registered", ".chip.clock", ".q-due"):
        part_box = card.locator(part).bounding_box()
        assert part_box and part_box["x"] >= 0 and part_box["x"] + part_box["width"] <= 390, (part, part_box)
    link = card.locator(".ticket-link").bounding_box()
    assert link["height"] >= 40  # a finger can open it
    card.locator(".ticket-link").click()
    page.wait_for_url("**/desk/t/*/")
    context.close()
