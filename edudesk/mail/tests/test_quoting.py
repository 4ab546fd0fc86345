"""Follow-ups: what the person wrote, without the quoted history and the signature."""

from __future__ import annotations

import pytest

from edudesk.mail.parsing import parse_mail
from edudesk.mail.quoting import strip_quoted_history
from edudesk.mail.tests.conftest import load_mail_test_module, read_corpus_mail

NEW = "Браузер Chrome 131, логин smirnova_av."


@pytest.mark.parametrize(
    "history",
    [
        "25 нояб. 2026 г., в 10:12, Техподдержка <edu.support@eschool.example> написал(а):\n"
        "> Уточните браузер.",
        "Вторник, 24 ноября 2026, 18:03 +03:00 от Техподдержка <edu.support@eschool.example>:\n\n"
        "Уточните браузер.",
        "24.11.2026, 12:05, \"Техподдержка\" <edu.support@eschool.example>:\n> Уточните",
        "On Tue, Nov 24, 2026 at 6:03 PM Support Desk <edu.support@eschool.example>\nwrote:\n\n"
        "> Which browser?",
        "-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: x\n\nWhich browser?",
        "-----Исходное сообщение-----\nОт: Техподдержка\nОтправлено: 24 ноября 2026 г.\nТема: x\n\nУточните",
        "________________________________\nОт: Техподдержка <edu.support@eschool.example>\n"
        "Отправлено: 24 ноября 2026 г. 18:03\nКому: Смирнова Анна\nТема: [INC0000123]\n\nУточните",
        "From: Support <edu.support@eschool.example>\nSent: Tuesday, November 24, 2026 6:03 PM\n"
        "To: Anna\nSubject: RE: x\n\nWhich browser?",
        "> Уточните браузер.\n> \n> -- \n> Техподдержка",
    ],
)
def test_history_written_by_each_mail_program_is_cut(history):
    assert strip_quoted_history(f"{NEW}\n\n{history}") == NEW


def test_signature_after_dash_dash_space_is_cut():
    text = f"{NEW}\n\n-- \nСмирнова Анна Викторовна\nМБОУ СОШ №5"
    assert strip_quoted_history(text) == NEW


@pytest.mark.parametrize("footer", ["Отправлено с iPhone", "Отправлено из мобильной Почты Mail.ru",
                                    "Sent from my iPhone", "Get Outlook for Android"])
def test_mobile_footer_is_cut(footer):
    assert strip_quoted_history(f"{NEW}\n\n{footer}") == NEW


def test_answers_between_quotes_keep_the_questions_for_context():
    text = "> Уточните браузер\nChrome 131\n> И логин\nsmirnova_av\n\n> С уважением, техподдержка"
    assert strip_quoted_history(text) == "> Уточните браузер\nChrome 131\n> И логин\nsmirnova_av"


def test_someone_quoting_a_colleague_in_prose_is_not_cut():
    text = "Мой коллега пишет:\nжурнал не открывается и у него"
    assert strip_quoted_history(text) == text


def test_sign_off_without_dash_dash_stays():
    text = f"{NEW}\n\nС уважением,\nАнна Викторовна"
    assert strip_quoted_history(text) == text


def test_reply_that_is_only_a_quote_falls_back_to_the_whole_text():
    text = "> Уточните браузер.\n> Техподдержка"
    assert strip_quoted_history(text) == text


def _quoting_corpus():
    return load_mail_test_module("build_corpus").corpus_set("corpus_quoting")


@pytest.mark.parametrize("name", sorted(_quoting_corpus().EXPECTED))
def test_reply_from_each_mail_program_shows_only_what_the_person_wrote(name):
    expected = _quoting_corpus().EXPECTED[name]
    assert parse_mail(read_corpus_mail(name)).reply_text == expected


def test_quoting_corpus_covers_the_russian_mail_programs():
    programs = {program for program, *_rest in _quoting_corpus().SAMPLES.values()}
    assert {"Gmail", "Yandex", "Mail.ru", "Outlook", "Thunderbird", "Apple Mail",
            "The Bat!"} <= programs
