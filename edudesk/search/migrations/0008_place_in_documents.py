"""Documents indexed before the requester's place was searchable get it: the organisation's
name, city and region and the request's region and institution fields are lemmatised and added
after the conversation's lemmas, as indexing writes them now («Тверь», «СОШ», «Профи» find
old tickets too). No message is read again; the full-text indexes follow through SQLite's
update trigger and PostgreSQL's generated column. ``manage.py reindex --restart`` rebuilds
every document whole instead.
"""

from django.db import migrations

BATCH = 500


def forward(apps, schema_editor):
    from edudesk.search.indexing import place_lemmas, place_text, with_place

    document_model = apps.get_model("search", "TicketDocument")
    ticket_model = apps.get_model("tickets", "Ticket")
    cache: dict[str, str] = {}
    last = 0
    while True:
        batch = list(document_model.objects.filter(ticket_id__gt=last).order_by("ticket_id")
                     .only("ticket_id", "body_lemmas")[:BATCH])
        if not batch:
            break
        tickets = ticket_model.objects.select_related("organisation").only(
            "id", "fields", "organisation__name", "organisation__city", "organisation__region")
        tickets = tickets.in_bulk([d.ticket_id for d in batch])
        changed = []
        for document in batch:
            ticket = tickets.get(document.ticket_id)
            text = place_text(ticket) if ticket else ""
            if text:
                if text not in cache:
                    cache[text] = place_lemmas(text)
                document.body_lemmas = with_place(document.body_lemmas, cache[text])
                changed.append(document)
        document_model.objects.bulk_update(changed, ["body_lemmas"])
        last = batch[-1].ticket_id


class Migration(migrations.Migration):
    dependencies = [("search", "0007_names_in_russian"), ("tickets", "0008_names_in_russian")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
