"""PostgreSQL's search rows get the integer key SQLite's have had since 0004 (the FTS5 rowid): the order
the opportunities were added, under a b-tree index, so that a search capped at the 1,000 most recently
added matches walks it backwards and stops (ADR 0024). Rows already held are numbered as they lie.
"""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE funding_opportunitysearch ADD COLUMN key bigint GENERATED ALWAYS AS IDENTITY",
    "CREATE INDEX funding_opportunitysearch_key ON funding_opportunitysearch (key)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS funding_opportunitysearch_key",
    "ALTER TABLE funding_opportunitysearch DROP COLUMN IF EXISTS key",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_merge_0003_bids_matches_grants_0004_search_text")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
