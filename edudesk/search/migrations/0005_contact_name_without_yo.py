"""PostgreSQL: the caller lookup matches names with «ё» read as «е»; index that expression."""

from django.db import migrations

from edudesk.search.migrations._vendor import VendorSQL

WITHOUT_YO = "replace(replace(full_name, 'ё', 'е'), 'Ё', 'Е')"


class Migration(migrations.Migration):
    dependencies = [("search", "0004_service_lexeme")]

    operations = [
        VendorSQL(
            "postgresql",
            [
                "DROP INDEX IF EXISTS search_contact_name_trgm",
                f"CREATE INDEX search_contact_name_trgm ON accounts_contact"
                f" USING gin (({WITHOUT_YO}) gin_trgm_ops)",
            ],
            [
                "DROP INDEX IF EXISTS search_contact_name_trgm",
                "CREATE INDEX search_contact_name_trgm ON accounts_contact"
                " USING gin (full_name gin_trgm_ops)",
            ],
        ),
    ]
