"""The opportunity catalogue's full-text index, made each database's own way (ADR 0016).

SQLite: an FTS5 table of each opportunity's programme, funder and summary, keyed by the integer id of a
small key table (FTS5 rows need integer ids; opportunities have UUIDs), whose rows go when their
opportunity does. PostgreSQL: a table of the same text with a stored, weighted tsvector under a GIN
index, keyed by the opportunity. The text sits beside the opportunity, not in its table, so a later
change to an opportunity column is never blocked by (PostgreSQL) or silently rid of (SQLite, which
rebuilds the table) what the index hangs on. civichub/funding/search.py writes and reads them.
"""

from django.db import migrations

SQLITE = [
    """CREATE TABLE funding_opportunitytextkey (
        id INTEGER PRIMARY KEY,
        opportunity_id char(32) NOT NULL UNIQUE REFERENCES funding_opportunity (id) ON DELETE CASCADE
    )""",
    "CREATE VIRTUAL TABLE funding_opportunitytext USING fts5("
    "programme, funder, summary, tokenize = 'porter unicode61')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS funding_opportunitytext",
    "DROP TABLE IF EXISTS funding_opportunitytextkey",
]
POSTGRES = [
    """CREATE TABLE funding_opportunitytext (
        opportunity_id uuid PRIMARY KEY REFERENCES funding_opportunity (id) ON DELETE CASCADE,
        programme text NOT NULL,
        funder text NOT NULL,
        summary text NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english', programme), 'A')
            || setweight(to_tsvector('english', funder), 'B')
            || setweight(to_tsvector('english', summary), 'D')
        ) STORED
    )""",
    "CREATE INDEX funding_opportunitytext_tsv ON funding_opportunitytext USING GIN (tsv)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS funding_opportunitytext"]
# Opportunities already held join the index.
FILL = {
    "sqlite": [
        "INSERT INTO funding_opportunitytextkey (opportunity_id) SELECT id FROM funding_opportunity",
        "INSERT INTO funding_opportunitytext (rowid, programme, funder, summary) "
        "SELECT k.id, o.programme, o.funder, o.summary FROM funding_opportunitytextkey k "
        "JOIN funding_opportunity o ON o.id = k.opportunity_id",
    ],
    "postgresql": [
        "INSERT INTO funding_opportunitytext (opportunity_id, programme, funder, summary) "
        "SELECT id, programme, funder, summary FROM funding_opportunity",
    ],
}


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_saved_searches")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE + FILL["sqlite"], "postgresql": POSTGRES + FILL["postgresql"]}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
