"""Every app and model of edudesk is named in both languages in the admin and wherever Django
shows it: Russian by default (no English default such as «DESK» or "Sign in failures"), English
when the page is in English."""

import re

import pytest
from django.apps import apps
from django.utils import translation

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# Names that read the same in both languages (an abbreviation).
SAME_IN_BOTH = {"SLA", "API"}


def _names():
    for config in apps.get_app_configs():
        if not config.name.startswith("edudesk."):
            continue
        yield config.label, lambda config=config: config.verbose_name
        for model in config.get_models():
            meta = model._meta
            yield f"{meta.label}", lambda meta=meta: meta.verbose_name
            yield f"{meta.label} (plural)", lambda meta=meta: meta.verbose_name_plural


NAMES = list(_names())


@pytest.mark.parametrize(("what", "name"), NAMES, ids=[what for what, _name in NAMES])
def test_every_app_and_model_is_named_in_russian_and_in_english(what, name):
    with translation.override("ru"):
        russian = str(name())
    with translation.override("en"):
        english = str(name())
    if russian in SAME_IN_BOTH:
        assert english == russian
        return
    assert CYRILLIC.search(russian), f"{what}: «{russian}» is not Russian"
    assert not CYRILLIC.search(english) and english != russian, f"{what}: «{english}» is not English"


def test_every_admin_section_is_named_in_russian():
    """Libraries' sections too (django-axes' «Axes» reads «Попытки входа»)."""
    from django.contrib import admin

    with translation.override("ru"):
        sections = {str(model._meta.app_config.verbose_name) for model in admin.site._registry}
    assert [name for name in sections if not CYRILLIC.search(name) and name not in SAME_IN_BOTH] == []
