"""Documents indexed before verbs were read as their aspect pair's one word get that word.

The stored lemmas of a verb are its infinitive («выставить», «сохраниться»); each is replaced by
its aspect key («выставлять», «сохранять»), which is what indexing writes now, so queries in
either aspect find old tickets too. Only the stored lemmas are rewritten (no message is read
again); the full-text indexes follow through SQLite's update trigger and PostgreSQL's generated
column. Going back leaves the keys in place: ``manage.py reindex --restart`` rebuilds every
document with whatever code is installed.
"""

from django.db import migrations

BATCH = 500


def _key(token: str, cache: dict) -> str:
    from edudesk.search import aspects, lemmas

    if token not in cache:
        verb = token.isalpha() and any(p.tag.POS == "INFN" and p.normal_form == token
                                       for p in lemmas.analyser().parse(token))
        cache[token] = aspects.aspect_key(token) if verb else token
    return cache[token]


def forward(apps, schema_editor):
    document_model = apps.get_model("search", "TicketDocument")
    cache: dict[str, str] = {}
    last = 0
    while True:
        batch = list(document_model.objects.filter(ticket_id__gt=last).order_by("ticket_id")
                     .only("ticket_id", "subject_lemmas", "body_lemmas")[:BATCH])
        if not batch:
            break
        changed = []
        for document in batch:
            subject = " ".join(_key(t, cache) for t in document.subject_lemmas.split())
            body = " ".join(_key(t, cache) for t in document.body_lemmas.split())
            if (subject, body) != (document.subject_lemmas, document.body_lemmas):
                document.subject_lemmas, document.body_lemmas = subject, body
                changed.append(document)
        document_model.objects.bulk_update(changed, ["subject_lemmas", "body_lemmas"])
        last = batch[-1].ticket_id


class Migration(migrations.Migration):
    dependencies = [("search", "0005_contact_name_without_yo")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
