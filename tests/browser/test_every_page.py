"""Every customer and agent page (edudesk/testing/tour.py, the list `make screenshots` uses), on the
demo data, in Debian's chromium (issue 13: items 6 and 11, and its axe-core criterion).

GIVEN the demo installation WHEN each page is opened THEN axe-core finds no serious or critical
accessibility issue, and at phone widths (360, 390, 414 px) nothing makes the page scroll sideways.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from edudesk.testing.tour import PAGES, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]

PHONE_WIDTHS = (360, 390, 414)


@pytest.fixture
def demo_site(live_server, settings):
    """The demo data, served with the error-page tour's addresses."""
    settings.ROOT_URLCONF = "edudesk.testing.error_urls"
    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def contexts(browser, demo_site):
    """One signed-in browser context per kind of visitor, made on first use."""
    made = {}

    def context_for(who):
        if who not in made:
            made[who] = browser.new_context(locale="ru-RU")
            made[who].set_default_timeout(15_000)
            sign_in(made[who], who, demo_site)
        return made[who]

    yield context_for
    for context in made.values():
        context.close()


def serious_issues(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_or_critical_issue_on_any_page(contexts, demo_site):
    found = {}
    for spec in PAGES:
        for width in (1280, 390):
            page, status = open_page(contexts(spec.who), spec, demo_site, width)
            assert status == spec.status, spec.name
            issues = serious_issues(page)
            page.close()
            if issues:
                found[f"{spec.name} at {width} px"] = issues
    assert not found, "\n".join(f"{where}: {issues}" for where, issues in found.items())


def test_no_page_scrolls_sideways_on_a_phone(contexts, demo_site):
    too_wide = {}
    for spec in PAGES:
        for width in PHONE_WIDTHS:
            page, _status = open_page(contexts(spec.who), spec, demo_site, width)
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            page.close()
            if scroll_width > width:
                too_wide[f"{spec.name} at {width} px"] = scroll_width
    assert not too_wide, "\n".join(f"{where}: {px} px wide" for where, px in too_wide.items())


def test_desk_header_on_a_phone_keeps_the_search_and_folds_the_menu(contexts, demo_site):
    page = contexts("supervisor").new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{demo_site}/desk/")
    search = page.get_by_role("searchbox", name="Поиск обращения")
    expect(search).to_be_in_viewport()
    sign_out = page.get_by_role("button", name="Выйти")
    expect(sign_out).to_be_hidden()
    page.get_by_role("button", name="Меню").click()
    expect(sign_out).to_be_in_viewport()
    expect(page.get_by_role("link", name="Консультации")).to_be_in_viewport()
    search.fill("Иванова")
    search.press("Enter")
    expect(page).to_have_url(f"{demo_site}/desk/search?q=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0")
    page.close()


@pytest.mark.parametrize("address", ["/", "/desk/"])
def test_language_select_shows_its_whole_text_on_a_phone(contexts, demo_site, address):
    page = contexts("supervisor").new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{demo_site}{address}")
    if page.get_by_role("button", name="Меню").is_visible():
        page.get_by_role("button", name="Меню").click()
    select = page.get_by_label("Язык")
    expect(select).to_be_in_viewport()
    room, text = select.evaluate("""el => {
        const style = getComputedStyle(el);
        const canvas = document.createElement("canvas").getContext("2d");
        canvas.font = style.font;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
        return [room, canvas.measureText(el.selectedOptions[0].text).width];
    }""")
    assert text <= room, f"«Русский» needs {text:.0f} px, the select leaves {room:.0f}"
    page.close()
