"""Threading keys: ticket tags in subjects and signed reply addresses."""

from __future__ import annotations

import pytest

from edudesk.mail.reply_address import (
    make_reply_address,
    make_reply_token,
    parse_reply_token,
    ticket_id_from_addresses,
)
from edudesk.mail.tags import clean_subject, find_ticket_numbers, tag_subject

SECRET = b"edudesk-test-secret"


@pytest.mark.parametrize(
    ("subject", "numbers"),
    [
        ("Re: [INC0000123] Требуется уточнение", ["INC0000123"]),
        ("RE: FW: [inc0000123] x [REQ0004567]", ["INC0000123", "REQ0004567"]),
        ("[INC0000123] again [INC0000123]", ["INC0000123"]),
        ("[ABCDEFGHIJ0000001] ten letters", ["ABCDEFGHIJ0000001"]),
        ("INC0000123 without brackets", []),
        ("[INC000012] six digits", []),
        ("[INC00001234] eight digits", []),
        ("[I0000123] one letter", []),
        ("[ABCDEFGHIJK0000001] eleven letters", []),
    ],
)
def test_ticket_tags_are_a_2_to_10_letter_prefix_and_seven_digits_in_brackets(subject, numbers):
    assert find_ticket_numbers(subject) == numbers


def test_subject_is_tagged_once():
    assert tag_subject("Не открывается журнал", "INC0000123") == "[INC0000123] Не открывается журнал"
    assert tag_subject("Re: [INC0000123] x", "INC0000123") == "Re: [INC0000123] x"


@pytest.mark.parametrize(
    ("subject", "clean"),
    [
        ("Re: [INC0000123] Требуется уточнение", "Требуется уточнение"),
        ("RE: FW: Fwd: Ошибка", "Ошибка"),
        ("Ответ: Пересл: Ошибка", "Ошибка"),
        ("Re[2]: Ошибка", "Ошибка"),
        ("Регион не выбирается", "Регион не выбирается"),
    ],
)
def test_clean_subject_removes_reply_prefixes_and_tags(subject, clean):
    assert clean_subject(subject) == clean


def test_reply_address_round_trips_to_the_ticket_id():
    address = make_reply_address("edu.support@eschool.example", 123, SECRET)
    assert address.startswith("edu.support+t-") and address.endswith("@eschool.example")
    assert ticket_id_from_addresses(["other@x.example", address], SECRET) == 123


def test_reply_address_survives_an_mta_that_upper_cases_the_local_part():
    token = make_reply_token(987654, SECRET)
    assert parse_reply_token(token.upper(), SECRET) == 987654


@pytest.mark.parametrize("ticket_id", [1, 35, 36, 10**12])
def test_reply_tokens_for_any_ticket_id_parse_back(ticket_id):
    assert parse_reply_token(make_reply_token(ticket_id, SECRET), SECRET) == ticket_id


def test_a_forged_or_foreign_token_is_rejected():
    token = make_reply_token(123, SECRET)
    forged = token.replace("t-3f-", "t-3g-")
    assert parse_reply_token(forged, SECRET) is None
    assert parse_reply_token(token, b"another-site-secret") is None
    assert parse_reply_token("t-zz-nothex", SECRET) is None
    assert ticket_id_from_addresses(["edu.support+news@eschool.example"], SECRET) is None


def test_plus_address_base_is_replaced_not_nested():
    address = make_reply_address("edu.support+desk@eschool.example", 5, SECRET)
    assert address.count("+") == 1
