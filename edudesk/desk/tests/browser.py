"""Helpers for the desk's browser tests: headless Debian Chromium through Playwright."""

import os

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AGENT_PASSWORD = "pass-12345-word"  # the factories' password


def allow_database_calls_beside_playwright() -> None:
    """Playwright's sync API keeps an event loop in the test's thread; Django then refuses ORM
    calls from that thread unless told it is safe (it is: the calls are not made from a coroutine)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def sign_in(page, base_url: str, username: str, password: str = AGENT_PASSWORD) -> None:
    page.goto(f"{base_url}/desk/sign-in")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]:has-text('Войти')")
    page.wait_for_url(f"{base_url}/desk/")


def follow_desk_link(page, text: str) -> None:
    """Click a link of the desk's header; on a phone the links fold behind «Меню»."""
    menu = page.get_by_role("button", name="Меню")
    if menu.is_visible():
        menu.click()
    page.click(f"text={text}")
