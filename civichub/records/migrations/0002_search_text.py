"""The full-text index's text table, made each database's own way: an FTS5 virtual table on SQLite, a
table with a stored, weighted tsvector under a GIN index on PostgreSQL. Both are keyed by
records_searchentry.id as `rowid`, so one statement can join, filter and rank (civichub/records/index.py).
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE records_searchtext USING fts5(title, body, tokenize = 'porter unicode61')",
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS records_searchtext"]
POSTGRES = [
    """CREATE TABLE records_searchtext (
        rowid bigint PRIMARY KEY REFERENCES records_searchentry (id) ON DELETE CASCADE,
        title text NOT NULL,
        body text NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
        ) STORED
    )""",
    "CREATE INDEX records_searchtext_tsv ON records_searchtext USING GIN (tsv)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS records_searchtext"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
