"""A verb's aspect pair is one word for search: «сохранилась» finds «не сохраняются».

Teachers write the same fault with either verb of the pair («оценки не выставляются» /
«не могу выставить оценки»); an agent searching with the other one must still find it.
"""

import importlib

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)

from edudesk.search import aspects, lemmas
from edudesk.search.services import search_tickets
from edudesk.testing import factories

# (what the ticket says, what the agent types): the verb differs in aspect, and in form.
PAIRS = [
    ("оценки не сохраняются", "оценка не сохранилась"),
    ("не могу выставить оценки", "не выставляются оценки"),
    ("файл не загрузился", "файл не загружается"),
    ("письмо не отправляется", "письмо не отправилось"),
    ("журнал не открывается", "журнал не открылся"),
    ("не получается закрыть четверть", "четверть не закрывается"),
    ("ученик удалился из класса", "ученики удаляются из класса"),
    ("расписание изменилось само", "расписание изменяется"),
    ("не получаем уведомления", "уведомление не получили"),
    ("пароль не подтверждается", "пароль не подтвердился"),
    ("отчёт не проверяется", "отчёт проверить"),
    ("не устанавливается приложение", "приложение не установилось"),
    ("доступ восстановили", "восстанавливать доступ"),
    ("пароль сбросился", "сбрасывается пароль"),
    ("кэш очищается", "очистить кэш"),
    ("файл не прикрепляется", "прикрепить файл"),
    ("не добавляется ученик", "добавить ученика"),
    ("учитель не назначается на предмет", "назначить учителя"),
    ("данные не выгружаются", "выгрузить данные"),
    ("ученика перевели в другой класс", "переводить ученика"),
    ("урок не переносится", "перенести урок"),
    ("не скачивается сертификат", "скачать сертификат"),
    ("оценки не показываются", "показать оценки"),
    ("ребёнок не привязывается к родителю", "привязать ребёнка"),
    ("исчезли оценки", "исчезают оценки"),
    ("не могу зайти в журнал", "не заходит в журнал"),
    ("уведомления не приходят", "уведомление не пришло"),
    ("не переходит на страницу оплаты", "перейти на страницу оплаты"),
    ("не могу войти в дневник", "не входит в дневник"),
    ("курс не создаётся", "создать курс"),
    ("не выдаётся сертификат", "выдать сертификат"),
    ("данные не передаются в регион", "передать данные"),
    ("не вносятся изменения", "внести изменения"),
    ("замена не отобразилась", "замена не отображается"),
    ("страница не обновляется", "обновить страницу"),
    ("не оформляется приказ", "оформить приказ"),
    ("не выводится отчёт", "вывести отчёт"),
    ("пароль не вводится", "ввести пароль"),
    ("исправить оценку", "исправляется оценка"),
    ("не регистрируется ученик", "зарегистрироваться ученику"),
    ("учётную запись заблокировали", "блокируется учётная запись"),
    ("не отмечается посещаемость", "отметить посещаемость"),
    ("учитель не ответил", "отвечать учителю"),
    ("задача не решилась", "решать задачу"),
    ("доступ к курсу не продлевается", "продлить доступ"),
    ("карточки объединились", "объединять карточки"),
    ("заявку отменили", "отменяется заявка"),
    ("заявку отозвали", "отзывать заявку"),
    ("не подаётся заявка", "подать заявку"),
    ("копируется домашнее задание", "скопировать домашнее задание"),
    ("компьютер перезагрузили", "перезагружать компьютер"),
    ("кнопку нажимаем", "нажать кнопку"),
    ("не выбирается класс", "выбрать класс"),
    ("ученика убрали из списка", "убирать ученика"),
    ("учителя заменили", "заменять учителя"),
    ("уведомления не включаются", "включить уведомления"),
    ("деньги не вернули", "возвращать деньги"),
    ("оценки потерялись", "теряются оценки"),
    ("пропало расписание", "пропадает расписание"),
    ("не ставится оценка", "поставить оценку"),
    ("отчёт не делается", "сделать отчёт"),
    ("не находит ученика", "найти ученика"),
    ("справку выслали", "высылать справку"),
    ("аттестат не распечатывается", "распечатать аттестат"),
    ("оценки не проставились", "проставлять оценки"),
    ("отчёт не формируется", "сформировать отчёт"),
    ("не пишется комментарий", "написать комментарий"),
    ("пароль поменяли", "менять пароль"),
    ("не начинается тест", "начать тест"),
    ("тест не принимается", "принять тест"),
    ("не завершается тест", "завершить тест"),
    ("не оплачивается курс", "оплатить курс"),
    ("страница зависла", "зависает страница"),
    ("не запускается курс", "запустить курс"),
    ("не подключается камера", "подключить камеру"),
    ("не прикладывается документ", "приложить документ"),
    ("журнал не печатается", "напечатать журнал"),
    ("не присылают код", "прислать код"),
    ("не подписывается документ", "подписать документ"),
    ("проходить тест", "тест не прошёл"),
]


def _found(document: str, query: str) -> bool:
    indexed = set(lemmas.lemmatise(document).split())
    return all(set(group) & indexed for group in lemmas.query_terms(query))


def test_there_are_many_pairs():
    assert len(PAIRS) >= 76


@pytest.mark.parametrize(("document", "query"), PAIRS)
def test_a_verb_of_the_query_meets_its_aspect_partner_in_the_document(document, query):
    assert _found(document, query)


@pytest.mark.parametrize(("perfective", "imperfective"), [
    ("выставить", "выставлять"), ("загрузить", "загружать"), ("установить", "устанавливать"),
    ("отметить", "отмечать"), ("открыть", "открывать"), ("создать", "создавать"),
    ("исчезнуть", "исчезать"), ("зайти", "заходить"), ("перенести", "переносить"),
    ("выбрать", "выбирать"), ("поставить", "ставить"), ("сформировать", "формировать"),
])
def test_a_perfective_verb_reads_as_its_imperfective_partner(perfective, imperfective):
    assert aspects.aspect_key(perfective) == imperfective


def test_a_reflexive_verb_meets_the_plain_one():
    assert aspects.aspect_key("сохраниться") == aspects.aspect_key("сохранить") == "сохранять"


def test_words_that_are_not_perfective_verbs_are_left_alone():
    assert [aspects.aspect_key(w) for w in ("оценка", "выставлять", "журнал", "работать")] == [
        "оценка", "выставлять", "журнал", "работать"]


@pytest.mark.django_db
def test_an_agent_finds_each_ticket_by_the_other_verb_of_the_pair(indexed, line1_agent, eschool,
                                                                   teacher):
    tickets = [indexed(factories.ticket, eschool, teacher, subject=document,
                       description="Подробности в теме.") for document, _query in PAIRS]
    missed = [query for ticket, (_document, query) in zip(tickets, PAIRS, strict=True)
              if ticket.number not in {t.number for t in search_tickets(line1_agent, query)}]
    assert missed == [], missed


@pytest.mark.django_db
# Migration 0006 rewrote the stored lemma text, which PostgreSQL keeps no longer (0009: only
# the vector); on an upgrade 0006 runs before 0009, while the text is still there.
@pytest.mark.skipif("connection.vendor == 'postgresql'")
def test_documents_indexed_before_aspect_pairs_are_found_after_the_migration(
        indexed, line1_agent, eschool, teacher):
    """GIVEN a ticket indexed the old way (verbs as their own infinitives),
    WHEN the migration runs, THEN the other verb of the pair finds it."""
    from django.apps import apps

    from edudesk.search.models import TicketDocument

    migration = importlib.import_module("edudesk.search.migrations.0006_verb_aspect_pairs")
    ticket = indexed(factories.ticket, eschool, teacher, subject="Не могу выставить оценки",
                     description="Оценки не сохранились, журнал не открылся.")
    TicketDocument.objects.filter(pk=ticket.pk).update(
        subject_lemmas="мочь выставить оценка", body_lemmas="оценка сохраниться журнал открыться")
    assert search_tickets(line1_agent, "не выставляются оценки") == []

    migration.forward(apps, None)

    document = TicketDocument.objects.get(pk=ticket.pk)
    assert document.body_lemmas == "оценка сохранять журнал открывать"
    for query in ("не выставляются оценки", "оценки не сохраняются", "журнал не открывается"):
        assert [t.number for t in search_tickets(line1_agent, query)] == [ticket.number]
