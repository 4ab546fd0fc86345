"""PostgreSQL keeps a document's lemmas once: in its tsvector, not also as text.

The lemma text was stored twice over: as `subject_lemmas`/`body_lemmas` and again in the
generated `vector` (lexemes, weights and positions: all that ranking and matching read). At
100,000 tickets the text was 660 bytes of the document's 1,840 (and most of its TOAST), and
nothing reads it back: results come from the vector and the trigram columns.

`vector` becomes a plain column filled by a trigger from the lemmas a writer gives, which the
trigger then stores empty; an update that gives no lemmas (one that only touches other
columns) keeps the vector it had. The application writes documents exactly as before.
Existing documents keep their vectors; their text is emptied here (the space is reused by new
rows; `VACUUM FULL search_ticketdocument` gives it back to the file system at once).

SQLite is unchanged: its FTS5 tables take the document table as external content and need the
text to delete a document's old entries (a contentless table that deletes needs SQLite 3.43).

Going back makes `vector` generated again from the (now empty) text: run
``manage.py reindex --restart`` afterwards to fill it.
"""

from django.db import migrations

from edudesk.search.migrations._vendor import VendorSQL

VECTOR = """setweight(to_tsvector('simple'::regconfig, {subject}), 'A')
        || setweight(to_tsvector('simple'::regconfig, {body}), 'B')
        || to_tsvector('simple'::regconfig, 'svc' || {service}::text)"""

FORWARD = [
    "ALTER TABLE search_ticketdocument ALTER COLUMN vector DROP EXPRESSION",
    f"""CREATE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' OR NEW.subject_lemmas <> '' OR NEW.body_lemmas <> '' THEN
            NEW.vector := {VECTOR.format(subject="NEW.subject_lemmas", body="NEW.body_lemmas",
                                         service="NEW.service_id")};
        ELSE
            NEW.vector := OLD.vector;
        END IF;
        NEW.subject_lemmas := '';
        NEW.body_lemmas := '';
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER search_doc_vector_from_lemmas BEFORE INSERT OR UPDATE
        ON search_ticketdocument FOR EACH ROW EXECUTE FUNCTION search_document_vector()""",
    # Through the trigger: the vectors stay, the text goes.
    "UPDATE search_ticketdocument SET subject_lemmas = '', body_lemmas = ''"
    " WHERE subject_lemmas <> '' OR body_lemmas <> ''",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_vector_from_lemmas ON search_ticketdocument",
    "DROP FUNCTION IF EXISTS search_document_vector()",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_ticketdocument DROP COLUMN vector",
    f"""ALTER TABLE search_ticketdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        {VECTOR.format(subject="subject_lemmas", body="body_lemmas", service="service_id")}) STORED""",
    "CREATE INDEX search_doc_vector ON search_ticketdocument USING gin (vector)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0008_place_in_documents")]

    operations = [VendorSQL("postgresql", FORWARD, BACKWARD)]
