"""Phase-independent test set-up: the pure-Python intake tests also run without the project's
settings (``pytest -p no:django``); then a minimal configuration is enough for gettext."""

import os

import django
from django.conf import settings

if "DJANGO_SETTINGS_MODULE" not in os.environ and not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="ru", INSTALLED_APPS=[])
    django.setup()
