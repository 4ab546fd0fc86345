"""Russia's regions, shipped: the Constitution's 89 subjects, read the ways people write them."""

import pytest

from edudesk.core import regions


def test_the_list_holds_the_89_subjects_of_the_constitution():
    names = regions.names()
    assert len(names) == len(set(names)) == 89
    for added in ("Республика Крым", "Севастополь", "Донецкая Народная Республика",
                  "Луганская Народная Республика", "Запорожская область", "Херсонская область"):
        assert added in names
    assert names[0] == "Республика Адыгея" and names[-1] == "Ямало-Ненецкий автономный округ"


@pytest.mark.parametrize(("typed", "name"), [
    ("Тверская область", "Тверская область"),
    ("тверская обл.", "Тверская область"),
    ("Татарстан", "Республика Татарстан"),
    ("Респ. Татарстан", "Республика Татарстан"),
    ("г. Москва", "Москва"),
    ("город Санкт-Петербург", "Санкт-Петербург"),
    ("Якутия", "Республика Саха (Якутия)"),
    ("Кемеровская область", "Кемеровская область — Кузбасс"),
    ("ХАНТЫ-МАНСИЙСКИЙ АО", "Ханты-Мансийский автономный округ — Югра"),
    ("Чувашия", "Чувашская Республика — Чувашия"),
    ("Алтайский край", "Алтайский край"),
    ("Республика Алтай", "Республика Алтай"),
])
def test_a_region_written_the_usual_ways_is_read_as_its_name_in_the_list(typed, name):
    assert regions.canonical(typed) == name


@pytest.mark.parametrize("typed", ["Тверь", "Казань", "Московия", "область", "", "Texas"])
def test_a_city_or_anything_else_is_no_region(typed):
    assert regions.canonical(typed) == ""
