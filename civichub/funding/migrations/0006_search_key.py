"""PostgreSQL's search rows get the integer key SQLite's have had since 0004 (the FTS5 rowid): the order
the opportunities were added, under a b-tree index, so that a search capped at the 1,000 most recently
added matches can walk it backwards and stop (ADR 0024). Rows already held are numbered as they lie.

They also get the filter tokens (applicant types and themes, as `simple` lexemes) beside the words in
one GIN index, so that a search for words with those filters intersects both inside the index instead
of reading every row that holds the words. SQLite's FTS5 is left as it is: measured, filter tokens there
cost as much as they saved once the search was capped (ADR 0024).
"""

from django.db import migrations

POSTGRES = [
    "ALTER TABLE funding_opportunitysearch ADD COLUMN key bigint GENERATED ALWAYS AS IDENTITY",
    "CREATE INDEX funding_opportunitysearch_key ON funding_opportunitysearch (key)",
    "ALTER TABLE funding_opportunitysearch ADD COLUMN tags tsvector NOT NULL DEFAULT ''::tsvector",
    "UPDATE funding_opportunitysearch SET tags = to_tsvector('simple', applicant_types || ' ' || themes)",
    "DROP INDEX IF EXISTS funding_opportunitysearch_tsv",
    "CREATE INDEX funding_opportunitysearch_tsv ON funding_opportunitysearch USING GIN (tsv, tags)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS funding_opportunitysearch_tsv",
    "CREATE INDEX funding_opportunitysearch_tsv ON funding_opportunitysearch USING GIN (tsv)",
    "ALTER TABLE funding_opportunitysearch DROP COLUMN IF EXISTS tags",
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
