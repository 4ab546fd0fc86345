"""Article search reads Russian as ticket search does: word forms, a verb's aspect pair, typos;
customers find only public published articles."""

import pytest

from edudesk.kb import search
from edudesk.kb.models import Article
from edudesk.kb.tests.conftest import write

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(line1_agent, eschool, grades_article):
    return {
        "grades": grades_article,
        "login": write(line1_agent, eschool, "Не получается войти: неверный логин или пароль",
                       "Проверьте раскладку клавиатуры. Забыли пароль — нажмите «Восстановить "
                       "пароль» на странице входа."),
        "schedule": write(line1_agent, eschool, "Урок не отображается в расписании",
                          "Расписание формирует администратор школы."),
        "internal": write(line1_agent, eschool, "Как сбросить пароль пользователю",
                          "Админка → Пользователи → Сбросить пароль.",
                          visibility=Article.Visibility.INTERNAL),
    }


def titles(found):
    return [a.title for a in found]


@pytest.mark.parametrize("query", ["оценки не сохраняются", "оценка не сохранилась",
                                   "не сохранились оценки", "оценки не сохраняюца"])
def test_word_forms_aspect_pairs_and_typos_find_the_article(articles, eschool, query):
    found = search.search(query, [eschool.pk], public_only=True)
    assert found and found[0] == articles["grades"]


def test_customers_never_find_internal_articles_and_agents_do(articles, eschool):
    assert articles["internal"] not in search.search("сбросить пароль", [eschool.pk],
                                                     public_only=True)
    assert search.search("сбросить пароль", [eschool.pk], public_only=False)[0] == articles["internal"]


def test_drafts_are_found_only_where_asked(articles, line1_agent, eschool):
    draft = write(line1_agent, eschool, "Журнал не открывается в Safari", "Обновите Safari.",
                  status=Article.Status.DRAFT)
    assert draft not in search.search("safari", [eschool.pk], public_only=False)
    assert search.search("safari", [eschool.pk], public_only=False, drafts=True) == [draft]


def test_articles_of_other_services_are_not_found(articles, uchipro):
    assert search.search("оценки не сохраняются", [uchipro.pk], public_only=True) == []


def test_a_description_gets_the_matching_article_suggested(articles, eschool):
    text = "Здравствуйте! Поставила оценку ученику, после обновления страницы она не сохранилась"
    assert titles(search.suggest(eschool, text))[:1] == [articles["grades"].title]


def test_nothing_is_suggested_for_a_few_letters_or_an_unrelated_problem(articles, eschool):
    assert search.suggest(eschool, "оценки") == []
    assert search.suggest(eschool, "Не открывается электронный дневник, ошибка 502") == []


def test_more_articles_than_scored_are_narrowed_to_those_sharing_a_word(
        articles, eschool, monkeypatch):
    monkeypatch.setattr(search, "MAX_SCORED", 2)
    found = search.search("расписание урок", [eschool.pk], public_only=True)
    assert titles(found)[:1] == ["Урок не отображается в расписании"]
