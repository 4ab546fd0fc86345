"""Mark the mail templates edudesk wrote, so ``reset_mail_templates`` can tell them from the
ones an administrator edited (``MailTemplate.default_digest``).

A row written before this migration is marked when its text is one of the default texts some
earlier version of edudesk wrote (their fingerprints are frozen below, from every version of
``mail/mail_templates.py`` and its English catalogue); any other row was edited by someone and
stays unmarked, so it is only replaced with ``reset_mail_templates --force``.
"""

import hashlib

from django.db import migrations, models

# sha256 of "subject\0text\0html" of every default text ever shipped, per notification.
SHIPPED_DEFAULTS = {
    "registered": (
        "385d96a89d783af8d1842eb4098f22a2a6fa510383709a6f3cec1b9898fe76d6",
        "727cf2156458aacce6033a5fdc8319e4ddc2b6c675f21145366c139ffb17987b",
        "7e64f0ecb104567ddb8c594e8e2cddf9ee92c248c0aa2171a78a74b60b0b7b50",
        "c2fac10547315bb69ce757e87b1a7a45095e6d1807043c690f718be7d3a6acff",
    ),
    "needs_data": (
        "642b8f39fbf9d09e7121c861a45823f02fb44f25859ca5f582103c4976515633",
        "ac983a4fd4ff16098a6941d8c5f7689958349990b76a6d85881f60eed7d1ac8b",
        "c166d29e8822a3b9c6d1179a6ade9a9d3fc8c8b847ee56d08ac71440ad38d728",
        "e6e0560eedbf9164750c8ee3aff09aa6f30fa500bc46cef9fab34451d8e6a6e9",
    ),
    "agent_reply": (
        "c339240dcf02e040185839abb901e2e08b941c9be8c6d7f3e0a4dc69485741e4",
    ),
    "clarification": (
        "dd416d9bfae7c8159449b34a86c1cf367bd07bc46ac4eb03eed95f4017bd8a5b",
    ),
    "status_changed": (
        "015fb54ef1e6fe1cab876bb67a411a1201abc437f021a20a530e71d16e8b4d00",
        "44e481aa5178056e718fa75caed6d6663310af9a4dd90cb93353452398be17e3",
    ),
    "closed": (
        "8b124998adc4cbf21f4d08e9c813cbc3c4e9c7a8b58671b4371c7350dfbdcaab",
        "bf85551778f9ab7e13a83730fbbdbbeb52d5faca33033620d09410c96308e726",
        "e024b0032692cb7f2cf00903c4fe1ac0213b1e7053747d87f754788e4710a058",
    ),
    "files_refused": (
        "cca72f438d50ca380f4fec222d9f410c376bbbafa581a744cb5871ef6672cb92",
    ),
    "merged": (
        "d317557d160f84c43a0291fd705c8755edaf7c614edd8ca3ca31ef57d169e358",
    ),
    "repeat_added": (
        "18ac25b5f796bfcf69e5558861a091f58dda124cdff9c59635a020f22abb7da8",
    ),
    "signin_link": (
        "6fc8c28f250f64647f2a6428c0949ccfa4e17420ff0605380f10b7cea3184505",
        "994ab160c1eee05bf8f4c24c70a40bcdcf0062b492e75a5af2c75a9593355f77",
    ),
    "sla_warning": (
        "220f4826f1abf5622b6aba665e3c31f0db71afb80e7f5d2ada92af05f35a8423",
    ),
    "sla_breached": (
        "03a1e12d9af2f581671515b6b60c432a94e2981b56fb21b7e23711510b0cec37",
    ),
    "report_summary": (
        "a13393ca7e8f73cae1cf29231494612076d5d41ee60dd6798b091c402e292828",
    ),
    "known_problem": (
        "68e9f5423785aeb5dab6a2dc00b0d23d73d28b8537b34c3a50756e1767ddbc6d",
        "adbcf25a836fe4c6ab720a91e733df16a314255c058b6089433661ef97eb7891",
    ),
    "incident_linked": (
        "6f1014023f20cf052c55256b044361144bed3899c224d511138689fb134369d2",
    ),
    "incident_resolved": (
        "21184057efa88a3b74bdec9b51261cfe361922ea81bf69849788c6853c6f9da1",
    ),
}


def digest(row) -> str:
    return hashlib.sha256("\x00".join((row.subject, row.body_text, row.body_html)).encode()).hexdigest()


def mark_shipped_defaults(apps, schema_editor):
    MailTemplate = apps.get_model("mail", "MailTemplate")
    for row in MailTemplate.objects.filter(service__isnull=True, default_digest=""):
        fingerprint = digest(row)
        if fingerprint in SHIPPED_DEFAULTS.get(row.key, ()):
            MailTemplate.objects.filter(pk=row.pk).update(default_digest=fingerprint)


class Migration(migrations.Migration):

    dependencies = [
        ("mail", "0008_mailtemplate_incident_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="mailtemplate",
            name="default_digest",
            field=models.CharField(blank=True, editable=False, max_length=64,
                                   verbose_name="отпечаток исходного текста"),
        ),
        migrations.RunPython(mark_shipped_defaults, migrations.RunPython.noop),
    ]
