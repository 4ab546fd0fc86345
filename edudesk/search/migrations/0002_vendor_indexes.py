"""Full-text and trigram indexes over search_ticketdocument, per database vendor.

SQLite: two FTS5 tables with the document table as external content (rowid = ticket id),
kept in step by triggers: one over lemmas (unicode61, diacritics kept so «й» stays «й»), one
trigram table over the number and identities for substring matches.

PostgreSQL: a generated tsvector column (`simple` configuration over pymorphy3 lemmas:
subject weighted A, conversation B) with a GIN index, and pg_trgm GIN indexes for numbers,
identities and the contact fields the caller lookup searches.
"""

from django.db import migrations

from edudesk.search.migrations._vendor import VendorSQL


SQLITE = [
    """CREATE VIRTUAL TABLE search_ticket_fts USING fts5(
        subject_lemmas, body_lemmas,
        content='search_ticketdocument', content_rowid='ticket_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE VIRTUAL TABLE search_identity_fts USING fts5(
        number, identities,
        content='search_ticketdocument', content_rowid='ticket_id',
        tokenize='trigram')""",
    """CREATE TRIGGER search_doc_ai AFTER INSERT ON search_ticketdocument BEGIN
        INSERT INTO search_ticket_fts(rowid, subject_lemmas, body_lemmas)
            VALUES (new.ticket_id, new.subject_lemmas, new.body_lemmas);
        INSERT INTO search_identity_fts(rowid, number, identities)
            VALUES (new.ticket_id, new.number, new.identities);
    END""",
    """CREATE TRIGGER search_doc_ad AFTER DELETE ON search_ticketdocument BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, subject_lemmas, body_lemmas)
            VALUES ('delete', old.ticket_id, old.subject_lemmas, old.body_lemmas);
        INSERT INTO search_identity_fts(search_identity_fts, rowid, number, identities)
            VALUES ('delete', old.ticket_id, old.number, old.identities);
    END""",
    """CREATE TRIGGER search_doc_au AFTER UPDATE ON search_ticketdocument BEGIN
        INSERT INTO search_ticket_fts(search_ticket_fts, rowid, subject_lemmas, body_lemmas)
            VALUES ('delete', old.ticket_id, old.subject_lemmas, old.body_lemmas);
        INSERT INTO search_identity_fts(search_identity_fts, rowid, number, identities)
            VALUES ('delete', old.ticket_id, old.number, old.identities);
        INSERT INTO search_ticket_fts(rowid, subject_lemmas, body_lemmas)
            VALUES (new.ticket_id, new.subject_lemmas, new.body_lemmas);
        INSERT INTO search_identity_fts(rowid, number, identities)
            VALUES (new.ticket_id, new.number, new.identities);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_identity_fts",
    "DROP TABLE IF EXISTS search_ticket_fts",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_ticketdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, subject_lemmas), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_lemmas), 'B')) STORED""",
    "CREATE INDEX search_doc_vector ON search_ticketdocument USING gin (vector)",
    "CREATE INDEX search_doc_number_trgm ON search_ticketdocument USING gin (number gin_trgm_ops)",
    "CREATE INDEX search_doc_identities_trgm ON search_ticketdocument"
    " USING gin (identities gin_trgm_ops)",
    # The caller lookup (search_contacts) matches parts of these contact fields.
    "CREATE INDEX search_contact_email_trgm ON accounts_contact USING gin (lower(email) gin_trgm_ops)",
    "CREATE INDEX search_contact_login_trgm ON accounts_contact USING gin (lower(login) gin_trgm_ops)",
    "CREATE INDEX search_contact_phone_trgm ON accounts_contact USING gin (phone gin_trgm_ops)",
    "CREATE INDEX search_contact_name_trgm ON accounts_contact USING gin (full_name gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_contact_name_trgm",
    "DROP INDEX IF EXISTS search_contact_phone_trgm",
    "DROP INDEX IF EXISTS search_contact_login_trgm",
    "DROP INDEX IF EXISTS search_contact_email_trgm",
    "DROP INDEX IF EXISTS search_doc_identities_trgm",
    "DROP INDEX IF EXISTS search_doc_number_trgm",
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_ticketdocument DROP COLUMN IF EXISTS vector",
]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        VendorSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
    ]
