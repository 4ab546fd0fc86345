"""``makemessages`` that also extracts ``N_("…")`` (``gettext_noop`` under its short name).

The mail templates' default texts are marked that way (``mail/mail_templates.py``): they are
translated when a template row is written, not where they are defined. Without this keyword
xgettext does not see them, and English readers would get the Russian defaults.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
