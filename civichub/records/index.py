"""The full-text index of documents: one interface, two engines.

SQLite (the embedded default) keeps the text in an FTS5 table and ranks with bm25(); PostgreSQL keeps it
with a stored tsvector under a GIN index and ranks with ts_rank(). Either way the text table is keyed by
`SearchEntry.id`, and one statement matches the words, keeps to the council, the markings the reader may
see and the filters asked for, ranks and pages, so a document the reader may not see is never fetched,
counted or cut away after the LIMIT. Snippets are made in a second statement for the page's rows only.

Only the records services write here, inside their transactions; the migrations make the table the
database's own way (`0002_search_text`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from markupsafe import Markup

TABLE = "records_searchtext"
# Words a query may hold: enough for any real search, few enough that a query cannot be made slow.
MAX_TERMS = 12
# PostgreSQL refuses a tsvector over 1 MB; this much text stays well inside it.
PG_BODY_CHARS = 300_000
# Snippet markers the text cannot hold (control characters are not indexed text), swapped for <mark>
# after the snippet is escaped.
START, STOP = "\x02", "\x03"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def terms_of(query: str) -> list[str]:
    """The words of what someone typed, as the index's query language must be given them: each one a
    plain word, so no operator or syntax from the search box reaches FTS5 or to_tsquery."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def write(entry_id: int, title: str, body: str) -> None:
    """Put (or replace) one entry's text in the index."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [entry_id])  # noqa: S608 - constant name
        if _postgres():
            body = body[:PG_BODY_CHARS]
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
            [entry_id, title, _clean(body)],
        )


def body(entry_id: int) -> str:
    """The content text an entry holds (to re-index its title without reading the file again)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT body FROM {TABLE} WHERE rowid = %s", [entry_id])  # noqa: S608
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def remove(entry_ids: Sequence[int]) -> None:
    """Take entries' text out of the index (a disposal: the text goes with the content)."""
    with connection.cursor() as cursor:
        for start in range(0, len(entry_ids), 500):
            batch = list(entry_ids[start : start + 500])
            marks = ",".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", batch)  # noqa: S608


def _clean(text: str) -> str:
    # NUL cannot be stored in PostgreSQL text; the snippet markers must not occur in the text itself.
    return text.replace("\x00", " ").replace(START, " ").replace(STOP, " ")


@dataclass(frozen=True)
class Filters:
    """What a search keeps to: always one council and the markings the reader may see."""

    council_id: str
    markings: tuple[str, ...]
    record_class_id: str | None = None
    marking: str | None = None
    since: date | None = None
    until: date | None = None
    link_type: str | None = None
    link_id: str | None = None

    def sql(self) -> tuple[str, list[Any]]:
        council = str(self.council_id).replace("-", "") if not _postgres() else str(self.council_id)
        clauses = ["e.council_id = %s", f"e.marking IN ({','.join(['%s'] * len(self.markings))})"]
        params: list[Any] = [council, *self.markings]
        if self.marking:
            clauses.append("e.marking = %s")
            params.append(self.marking)
        if self.record_class_id:
            clauses.append("e.record_class_id = %s")
            params.append(self.record_class_id.replace("-", "") if not _postgres() else self.record_class_id)
        if self.since:
            clauses.append("e.dated >= %s")
            params.append(self.since)
        if self.until:
            clauses.append("e.dated <= %s")
            params.append(self.until)
        if self.link_type and self.link_id:
            clauses.append(
                "EXISTS (SELECT 1 FROM records_documentlink l WHERE l.document_id = e.document_id "
                "AND l.target_type = %s AND l.target_id = %s)"
            )
            params += [self.link_type, self.link_id]
        return " AND ".join(clauses), params


def _match(terms: list[str]) -> tuple[str, str]:
    """The MATCH clause and its one parameter: every word must be present (AND), stemmed."""
    if _postgres():
        return "t.tsv @@ plainto_tsquery('english', %s)", " ".join(terms)
    # FTS5: each word quoted, so it is a plain string and never an operator or a column filter.
    return f"{TABLE} MATCH %s", " ".join(f'"{term}"' for term in terms)


def _join() -> str:
    # SQLite takes CROSS JOIN as an order: the full-text match drives, and each match looks up its entry
    # by key. Left to choose, it may walk the council's entries and test each against the index.
    return "JOIN" if _postgres() else "CROSS JOIN"


def count(terms: list[str], filters: Filters) -> int:
    match, query = _match(terms)
    where, params = filters.sql()
    source = f"{TABLE} t" if _postgres() else TABLE
    rowid = "t.rowid" if _postgres() else f"{TABLE}.rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {source} {_join()} records_searchentry e ON e.id = {rowid} "  # noqa: S608
            f"WHERE {match} AND {where}",
            [query, *params],
        )
        return int(cursor.fetchone()[0])


def ranked(
    terms: list[str], filters: Filters, *, limit: int, offset: int
) -> tuple[list[tuple[int, str, float]], int | None]:
    """One page of (entry id, document id, score), best first, and how many match in all (None when the
    page is empty). The total comes from the same pass as the ranking (a window count), so a search with
    many matches reads them once, not once to count and again to rank."""
    match, query = _match(terms)
    where, params = filters.sql()
    if _postgres():
        sql = (
            f"SELECT t.rowid, e.document_id, ts_rank(t.tsv, plainto_tsquery('english', %s)) AS score, "  # noqa: S608
            "COUNT(*) OVER () "
            f"FROM {TABLE} t JOIN records_searchentry e ON e.id = t.rowid "
            f"WHERE {match} AND {where} ORDER BY score DESC, t.rowid LIMIT %s OFFSET %s"
        )
        args: list[Any] = [query, query, *params, limit, offset]
    else:
        # bm25() is lower for a better match; the title counts five times as much as the body. FTS5's
        # functions cannot sit beside a window function, so the count is taken over the scored rows.
        sql = (
            "SELECT rowid, document_id, score, COUNT(*) OVER () FROM ("  # noqa: S608
            f"SELECT {TABLE}.rowid AS rowid, e.document_id AS document_id, bm25({TABLE}, 5.0, 1.0) AS score "
            f"FROM {TABLE} CROSS JOIN records_searchentry e ON e.id = {TABLE}.rowid "
            f"WHERE {match} AND {where}) ORDER BY score, rowid LIMIT %s OFFSET %s"
        )
        args = [query, *params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    return [(int(r[0]), str(r[1]), float(r[2])) for r in rows], (int(rows[0][3]) if rows else None)


def snippets(terms: list[str], entry_ids: Iterable[int]) -> dict[int, Markup]:
    """A highlighted extract of each entry's text around the words found: escaped, with <mark>s."""
    ids = list(entry_ids)
    if not ids:
        return {}
    marks = ",".join(["%s"] * len(ids))
    match, query = _match(terms)
    if _postgres():
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2"
        sql = (
            f"SELECT t.rowid, ts_headline('english', t.body, plainto_tsquery('english', %s), %s) "  # noqa: S608
            f"FROM {TABLE} t WHERE t.rowid IN ({marks})"
        )
        args: list[Any] = [query, options, *ids]
    else:
        sql = (
            f"SELECT rowid, snippet({TABLE}, -1, %s, %s, '…', 24) FROM {TABLE} "  # noqa: S608
            f"WHERE {match} AND rowid IN ({marks})"
        )
        args = [START, STOP, query, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return {int(rowid): _highlight(text or "") for rowid, text in cursor.fetchall()}


def _highlight(text: str) -> Markup:
    escaped = html.escape(" ".join(text.split()))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S704 - escaped above
