"""The opportunity catalogue's full-text index, made each database's own way (ADR 0016).

Both keep, beside the catalogue, a narrow search row per opportunity: its id, the columns the search
filters on (council, dates, applicant types, themes, areas) and its name for ties, so a search filters
the rows the words matched without reading the wide opportunity rows (their summaries). SQLite keeps the
words in an FTS5 table keyed by the search row's integer key (FTS5 rows need integer ids; opportunities
have UUIDs); PostgreSQL keeps a weighted tsvector on the search row under a GIN index. The rows go with
their opportunity (ON DELETE CASCADE). Nothing hangs on the opportunity table itself, so a later change
to its columns is never blocked by (PostgreSQL) or silently rid of (SQLite rebuilds the table) the index.
civichub/funding/search.py writes and reads them.
"""

from django.db import migrations

SQLITE = [
    """CREATE TABLE funding_opportunitysearch (
        key INTEGER PRIMARY KEY,
        id char(32) NOT NULL UNIQUE REFERENCES funding_opportunity (id) ON DELETE CASCADE,
        council_id char(32) NULL,
        opens_on date NULL,
        closes_on date NULL,
        applicant_types varchar(300) NOT NULL,
        themes varchar(600) NOT NULL,
        area_codes varchar(4000) NOT NULL,
        programme varchar(300) NOT NULL
    )""",
    "CREATE VIRTUAL TABLE funding_opportunitytext USING fts5("
    "programme, funder, summary, tokenize = 'porter unicode61')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS funding_opportunitytext",
    "DROP TABLE IF EXISTS funding_opportunitysearch",
]
POSTGRES = [
    """CREATE TABLE funding_opportunitysearch (
        id uuid PRIMARY KEY REFERENCES funding_opportunity (id) ON DELETE CASCADE,
        council_id uuid NULL,
        opens_on date NULL,
        closes_on date NULL,
        applicant_types varchar(300) NOT NULL,
        themes varchar(600) NOT NULL,
        area_codes varchar(4000) NOT NULL,
        programme varchar(300) NOT NULL,
        tsv tsvector NOT NULL
    )""",
    "CREATE INDEX funding_opportunitysearch_tsv ON funding_opportunitysearch USING GIN (tsv)",
]
POSTGRES_REVERSE = ["DROP TABLE IF EXISTS funding_opportunitysearch"]
# Opportunities already held join the index (as civichub/funding/search.py's rebuild() does today).
COLUMNS = "council_id, opens_on, closes_on, applicant_types, themes, area_codes, programme"
SQLITE += [
    f"INSERT INTO funding_opportunitysearch (id, {COLUMNS}) SELECT id, {COLUMNS} FROM funding_opportunity",
    "INSERT INTO funding_opportunitytext (rowid, programme, funder, summary) "
    "SELECT s.key, o.programme, o.funder, o.summary FROM funding_opportunitysearch s "
    "JOIN funding_opportunity o ON o.id = s.id",
]
POSTGRES += [
    f"INSERT INTO funding_opportunitysearch (id, {COLUMNS}, tsv) SELECT id, {COLUMNS}, "
    "setweight(to_tsvector('english', programme), 'A') || setweight(to_tsvector('english', funder), 'B')"
    " || setweight(to_tsvector('english', summary), 'D') FROM funding_opportunity",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_saved_searches")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
