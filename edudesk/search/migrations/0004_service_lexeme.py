"""PostgreSQL: the document's tsvector also carries its service as a lexeme («svc12»).

With the service inside the GIN index, a query restricted to an agent's services
(`words & (svc3 | svc5)`) is answered by the index alone, even for a word that is common in
another service's tickets and absent from the agent's.
"""

from django.db import migrations

from edudesk.search.migrations._vendor import VendorSQL

VECTOR = """setweight(to_tsvector('simple'::regconfig, subject_lemmas), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_lemmas), 'B')"""

FORWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_ticketdocument DROP COLUMN vector",
    f"""ALTER TABLE search_ticketdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        {VECTOR}
        || to_tsvector('simple'::regconfig, 'svc' || service_id::text)) STORED""",
    "CREATE INDEX search_doc_vector ON search_ticketdocument USING gin (vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_ticketdocument DROP COLUMN vector",
    f"ALTER TABLE search_ticketdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX search_doc_vector ON search_ticketdocument USING gin (vector)",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_ticket_identity")]

    operations = [VendorSQL("postgresql", FORWARD, BACKWARD)]
