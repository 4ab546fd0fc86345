"""Phone numbers in one form everywhere: E.164 («+78435551234»), read the way people write them.

«8 (843) 555-12-34», «+7 843 555 12 34» and «843 555-12-34» are one number; a domestic
number without a country code is read as Russian (the seeds' platforms). Contacts and the
phone fields of requests keep the E.164 form; searches still match on the digits.
"""

import re

import phonenumbers

DEFAULT_REGION = "RU"


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or "" when there is none; a number the library cannot read keeps
    its digits behind a "+" (nothing typed is lost)."""
    raw = (raw or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return f"+{digits}"
    if not phonenumbers.is_possible_number(number):
        return f"+{digits}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_possible(raw: str, region: str = DEFAULT_REGION) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(raw, region))
    except phonenumbers.NumberParseException:
        return False
