"""What the request form says when it refuses something, and how pictures are numbered
(issue 13, item 7), in Debian's chromium.

GIVEN a teacher filling the e-school's error form WHEN a field is missing or a picture is a GIF,
THEN the message says what is wrong in one sentence (the field's help stays under the field) and
a GIF is told the accepted formats, not the rule about documents and archives; WHEN she attaches
files she named «картинка2» and «картинка1», THEN they keep those names.
"""

import pytest
from playwright.sync_api import expect

from edudesk.intake.tests import files
from edudesk.tickets.models import Attachment, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.any_database, pytest.mark.django_db(transaction=True)]

ANSWERS = {
    "Регион": "Республика Татарстан",
    "Наименование учреждения с указанием города": "МБОУ «Средняя школа № 12», г. Казань",
    "Суть вопроса": "Не сохраняются оценки в журнале 5А (см. картинка1 и картинка2).",
    "Логин пользователя инициатора заявки": "m.ivanova",
    "Логин пользователя, под которым наблюдается проблема": "m.ivanova",
    "Адрес электронной почты": "m.ivanova@school12.example",
    "Телефон": "8 843 555-12-34",
    "Наименование и версия браузера": "Chrome 120",
    "Порядок действий, который привёл к ошибке": "Журнал 5А → оценка → «Сохранить» → ошибка 500.",
}


@pytest.fixture
def form(browser, live_server, eschool):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/support/eschool/new?category=error")
    page.get_by_role("textbox", name="ФИО", exact=True).fill("Иванова Мария Петровна")
    for label, value in ANSWERS.items():
        field = page.get_by_label(label)
        if field.evaluate("element => element.tagName") == "SELECT":  # the region, from the list
            field.select_option(value)
        else:
            field.fill(value)
    yield page
    context.close()


def picture(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_missing_field_is_named_without_repeating_its_help(form, tmp_path):
    form.get_by_label("Наименование учреждения с указанием города").fill("")
    form.get_by_label("Снимки экрана").set_input_files(picture(tmp_path, "ошибка.png", files.png()))
    form.get_by_role("button", name="Отправить обращение").click()
    summary = form.get_by_role("alert")
    expect(summary.get_by_role("listitem")).to_have_text(
        ["Заполните поле «Наименование учреждения с указанием города»."])
    expect(form.get_by_text("Например: МБОУ «СОШ № 5», г. Тверь")).to_have_count(1)  # the help, once
    assert Ticket.objects.count() == 0


def test_a_gif_is_told_jpeg_or_png_not_the_documents_rule(form, tmp_path):
    form.get_by_label("Снимки экрана").set_input_files(picture(tmp_path, "ошибка.gif", files.gif()))
    form.get_by_role("button", name="Отправить обращение").click()
    summary = form.get_by_role("alert")
    expect(summary).to_contain_text("Файл «ошибка.gif» не принят: это изображение GIF. "
                                    "Принимаются только снимки экрана в формате JPEG или PNG")
    expect(summary).not_to_contain_text(".doc")
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_pictures_keep_the_numbers_the_customer_gave_them(form, tmp_path):
    form.get_by_label("Снимки экрана").set_input_files([
        picture(tmp_path, "картинка2.png", files.png(300, 200)),
        picture(tmp_path, "картинка1.png", files.png(100, 50)),
    ])
    form.get_by_role("button", name="Отправить обращение").click()
    expect(form.get_by_role("heading", name="Обращение зарегистрировано")).to_be_visible()
    stored = {a.original_name: (str(a.display_name), a.width) for a in Attachment.objects.all()}
    assert stored == {"картинка1.png": ("картинка1", 100), "картинка2.png": ("картинка2", 300)}
