"""Contacts' phones in E.164 (accounts.phones): «78435551234» kept as digits becomes «+78435551234»."""

from django.db import migrations


def to_e164(apps, schema_editor):
    from edudesk.accounts.phones import to_e164 as convert

    Contact = apps.get_model("accounts", "Contact")
    for contact in Contact.objects.exclude(phone="").exclude(phone__startswith="+").iterator():
        # Stored digits were folded to 7… already: read them as an international number.
        contact.phone = convert("+" + contact.phone if len(contact.phone) == 11 else contact.phone)
        contact.save(update_fields=["phone"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_service_customer_max_priority")]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop)]
