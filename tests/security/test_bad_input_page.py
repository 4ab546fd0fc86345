"""A browser that sends characters no person types (NUL, a lone surrogate) gets the site's own
400 page in its language, with a way back and a working language switch; the API keeps JSON."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_the_public_form_gets_the_russian_400_page(eschool):
    response = Client().post("/support/eschool/new", {"description": "Не сохраняются\x00 оценки"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="ru">' in page and "Некорректный запрос" in page
    assert "Запрос содержит недопустимые символы" in page and 'href="/"' in page


def test_the_400_page_speaks_english_to_an_english_browser(eschool):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/desk/search", {"q": "INC\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="en">' in page and "Bad request" in page
    assert "The request contains characters that are not allowed" in page


def test_the_language_switch_on_the_400_page_works(eschool):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/support/eschool/new", {"school": "\x00"})
    assert page.status_code == 400
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": "/",
                                               "csrfmiddlewaretoken": token})
    assert switched.status_code == 302


def test_the_api_still_answers_json(eschool):
    response = Client().get("/api/v1/tickets", {"q": "\x00"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
