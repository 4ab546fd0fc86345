"""Lemmas and query parsing: pure functions, no database."""

import pytest

from edudesk.search import lemmas
from edudesk.search.backends.postgres import tsquery
from edudesk.search.backends.sqlite import fts_match
from edudesk.search.query import identity_tokens, parse


def test_word_forms_share_one_lemma():
    assert {lemmas.readings(w)[0] for w in ["ошибка", "ошибки", "ошибкой", "ошибок"]} == {"ошибка"}


def test_yo_is_read_as_e():
    assert lemmas.lemmatise("Ещё ёлка") == lemmas.lemmatise("еще елка")


def test_prepositions_conjunctions_and_particles_are_not_indexed():
    assert lemmas.lemmatise("не в и на") == ""


def test_latin_words_numbers_and_logins_are_kept_as_typed():
    assert lemmas.lemmatise("Chrome 120, user12") == "chrome 120 user12"


def test_an_ambiguous_word_is_indexed_under_each_reading():
    assert {"стать", "сталь"} <= set(lemmas.readings("стали"))


def test_the_analyser_is_created_once_per_process():
    assert lemmas.analyser() is lemmas.analyser()


def test_lemmas_of_a_word_are_cached():
    lemmas.readings("журналы")
    hits = lemmas.readings.cache_info().hits
    lemmas.readings("журналы")
    assert lemmas.readings.cache_info().hits == hits + 1


@pytest.mark.parametrize(("typed", "prefix", "value"), [
    ("INC0000123", "INC", 123), ("inc0000123", "INC", 123), ("0000123", "", 123), ("123", "", 123),
    ("№ 123", "", 123), ("#0000123", "", 123),
])
def test_numbers_are_read_in_every_form(typed, prefix, value):
    parsed = parse(typed)
    assert (parsed.number_prefix, parsed.number_value) == (prefix, value)


def test_a_number_without_prefix_names_a_ticket_in_each_service_prefix():
    assert parse("123").number_candidates({"INC", "UP"}) == ["INC0000123", "UP0000123"]
    assert parse("UP123").number_candidates({"INC", "UP"}) == ["UP0000123"]


@pytest.mark.parametrize("typed", ["+7 (999) 123-45-67", "8 999 123 45 67", "8-999-123-45-67",
                                   "79991234567"])
def test_phones_in_any_format_become_the_stored_digits(typed):
    assert "79991234567" in parse(typed).identities


def test_a_phone_without_country_code_also_tries_the_russian_one():
    assert parse("999 123 45 67").identities == ("9991234567", "79991234567")


def test_a_russian_word_is_not_taken_for_a_login():
    assert parse("ошибка").identities == ()
    assert parse("Ivanova_MP").identities == ("ivanova_mp",)


def test_only_the_last_unfinished_word_is_matched_as_a_prefix():
    guessed = lemmas.readings("журн")
    assert parse("ошибка журн").text.groups == (("ошибка",), (*guessed, "журн*"))
    assert parse("ошибка журн ").text.groups == (("ошибка",), guessed)


def test_queries_become_backend_syntax_with_typed_operators_neutralised():
    text = parse('ошибки "OR журнала').text
    assert fts_match(text) == '("ошибка") AND ("or") AND ("журнал" OR "журнала"*)'
    assert tsquery(text) == "(ошибка) & (or) & (журнал | журнала:*)"


def test_identity_tokens_fold_case_and_phones():
    assert identity_tokens(emails=["M.Ivanova@School12.example"], logins=["User12", ""],
                           phones=["8 (916) 123-45-67"]) == [
        "m.ivanova@school12.example", "user12", "79161234567"]


def test_a_pasted_page_of_text_is_cut_to_a_search_query():
    parsed = parse("ошибка " * 1000)
    assert len(parsed.raw) <= 200
    assert parsed.text.groups == (("ошибка",),)
