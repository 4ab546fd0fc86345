"""Portal fixtures; the pure token tests also run without the project's settings."""

import os

import django
from django.conf import settings

if "DJANGO_SETTINGS_MODULE" not in os.environ and not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="ru", INSTALLED_APPS=[])
    django.setup()
