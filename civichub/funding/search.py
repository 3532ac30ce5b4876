"""Ranked full-text search of the opportunity catalogue: one selector, two engines (ADR 0016).

SQLite (the embedded default) keeps each opportunity's programme, funder and summary in an FTS5 table
and ranks with bm25(), the programme counting ten times and the funder four times as much as the summary.
PostgreSQL keeps the same text with a stored tsvector (programme A, funder B, summary D) under a GIN
index and ranks with ts_rank_cd(). Either way one statement matches the words, keeps to what the council
sees and to the search's filters (the very WHERE clause of `selectors.search`, compiled by Django), ranks
and pages, so "matches" means the same on the page, in the API and in the alerts.

Only the funding services write the text, in the transaction that saves the opportunity; `rebuild`
fills the index again from the catalogue (after a bulk load, or to repair it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, overload

from django.db import connection
from django.db.models import QuerySet

from civichub.core.models import Council
from civichub.funding.models import Opportunity
from civichub.funding.selectors import Search, search

TEXT = "funding_opportunitytext"
KEYS = "funding_opportunitytextkey"  # SQLite only: FTS5 rows need integer ids
OPPORTUNITY = "funding_opportunity"
# Words a query may hold: enough for any real search, few enough that no query can be made slow.
MAX_TERMS = 8
# bm25() column weights in the FTS5 table's order: programme, funder, summary.
SQLITE_WEIGHTS = "10.0, 4.0, 1.0"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def terms_of(query: str) -> list[str]:
    """The words of what someone typed, each a plain word: no quote, star, bracket, column filter or
    operator (NEAR, OR, NOT, &, |, !) from the search box ever reaches FTS5 or to_tsquery."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def match_of(terms: Sequence[str]) -> str:
    """The one parameter of the match: every word must be present (AND), stemmed. For FTS5 each word
    is a quoted string (\\w+ holds no quote), so it is always a phrase of plain text."""
    if _postgres():
        return " ".join(terms)
    return " ".join(f'"{term}"' for term in terms)


def _key(opportunity_id: Any) -> Any:
    return Opportunity._meta.pk.get_db_prep_value(opportunity_id, connection)


def write(opportunity: Opportunity) -> None:
    """Put (or replace) one opportunity's text in the index: call in the transaction that saves it."""
    key = _key(opportunity.pk)
    text = [opportunity.programme, opportunity.funder, opportunity.summary.replace("\x00", " ")]
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"INSERT INTO {TEXT} (opportunity_id, programme, funder, summary) "  # noqa: S608
                "VALUES (%s, %s, %s, %s) ON CONFLICT (opportunity_id) DO UPDATE SET "
                "programme = EXCLUDED.programme, funder = EXCLUDED.funder, summary = EXCLUDED.summary",
                [key, *text],
            )
            return
        cursor.execute(f"INSERT OR IGNORE INTO {KEYS} (opportunity_id) VALUES (%s)", [key])  # noqa: S608
        cursor.execute(f"SELECT id FROM {KEYS} WHERE opportunity_id = %s", [key])  # noqa: S608
        rowid = cursor.fetchone()[0]
        cursor.execute(f"DELETE FROM {TEXT} WHERE rowid = %s", [rowid])  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TEXT} (rowid, programme, funder, summary) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [rowid, *text],
        )


def rebuild() -> int:
    """Fill the index again from the whole catalogue, in a few statements; returns how many it holds.
    For a bulk load (the benchmark's) and for repair: what the services write is the same text."""
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"DELETE FROM {TEXT}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {TEXT} (opportunity_id, programme, funder, summary) "  # noqa: S608
                f"SELECT id, programme, funder, summary FROM {OPPORTUNITY}"
            )
            cursor.execute(f"ANALYZE {TEXT}")
        else:
            cursor.execute(f"DELETE FROM {TEXT}")  # noqa: S608
            cursor.execute(f"DELETE FROM {KEYS}")  # noqa: S608
            cursor.execute(f"INSERT INTO {KEYS} (opportunity_id) SELECT id FROM {OPPORTUNITY}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {TEXT} (rowid, programme, funder, summary) "  # noqa: S608
                f"SELECT k.id, o.programme, o.funder, o.summary FROM {KEYS} k "
                f"JOIN {OPPORTUNITY} o ON o.id = k.opportunity_id"
            )
            cursor.execute(f"INSERT INTO {TEXT} ({TEXT}) VALUES ('optimize')")  # noqa: S608
        cursor.execute(f"SELECT COUNT(*) FROM {TEXT}")  # noqa: S608
        return int(cursor.fetchone()[0])


def statement(match_where: str = "") -> tuple[str, str, str]:
    """(FROM … WHERE match, the score expression, its ORDER BY) of a ranked search, before the filters'
    clause and the page. The benchmark's bare baseline is this same SQL, without Django."""
    if _postgres():
        return (
            f"FROM {TEXT} t JOIN {OPPORTUNITY} ON {OPPORTUNITY}.id = t.opportunity_id "
            "WHERE t.tsv @@ plainto_tsquery('english', %s)",
            "ts_rank_cd(t.tsv, plainto_tsquery('english', %s))",
            "score DESC",
        )
    # SQLite takes CROSS JOIN as an order: the full-text match drives, each match finds its key and
    # then its opportunity by primary key. bm25() is lower for a better match.
    return (
        f"FROM {TEXT} CROSS JOIN {KEYS} k ON k.id = {TEXT}.rowid "
        f"CROSS JOIN {OPPORTUNITY} ON {OPPORTUNITY}.id = k.opportunity_id WHERE {TEXT} MATCH %s",
        f"bm25({TEXT}, {SQLITE_WEIGHTS})",
        "score",
    )


class Ranked:
    """The opportunities matching some words and filters, best first: counted, sliced (one page, one
    statement) and iterated like a queryset, so the page's Paginator and the API's pagination take it.
    Each opportunity it gives carries its `score` (higher is better on both engines)."""

    def __init__(self, council: Council, terms: list[str], filtered: QuerySet[Opportunity]) -> None:
        self.council = council
        self.terms = terms
        query = filtered.query
        where, params = query.get_compiler(connection=connection).compile(query.where)
        self._where, self._params = where, list(params)
        self._count: int | None = None

    def _sql(self, select: str, tail: str = "") -> tuple[str, list[Any]]:
        source, score, _ = statement()
        match = match_of(self.terms)
        sql = f"SELECT {select} {source} AND ({self._where}) {tail}"
        before = [match] if "score" in select and _postgres() else []
        return sql.replace("{score}", score), [*before, match, *self._params]

    def count(self) -> int:
        if self._count is None:
            sql, params = self._sql("COUNT(*)")
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._count = int(cursor.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _rows(self, limit: int | None, offset: int, only: Any = None) -> list[Opportunity]:
        _, score, order = statement()
        where = f"AND {OPPORTUNITY}.id = %s " if only is not None else ""
        page = "LIMIT %s OFFSET %s" if limit is not None else ""
        sql, params = self._sql(
            f"{OPPORTUNITY}.id, {{score}} AS score",
            f"{where}ORDER BY {order}, {OPPORTUNITY}.programme, {OPPORTUNITY}.id {page}",
        )
        params += [_key(only)] if only is not None else []
        params += [limit, offset] if limit is not None else []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        field = Opportunity._meta.pk
        ids = [field.to_python(row[0]) for row in found]
        held = Opportunity.objects.for_council_and_platform(self.council).in_bulk(ids)
        result = []
        for opportunity_id, (_, score) in zip(ids, found, strict=True):
            opportunity = held[opportunity_id]
            # One direction for both engines: bm25() is negative and lower for a better match.
            opportunity.score = -float(score) if not _postgres() else float(score)
            result.append(opportunity)
        return result

    @overload
    def __getitem__(self, index: int) -> Opportunity: ...
    @overload
    def __getitem__(self, index: slice) -> list[Opportunity]: ...
    def __getitem__(self, index: int | slice) -> Opportunity | list[Opportunity]:
        if isinstance(index, int):
            return self._rows(1, index)[0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            return self._rows(None, 0)[start:]
        return self._rows(max(stop - start, 0), start)

    def __iter__(self) -> Iterator[Opportunity]:
        return iter(self._rows(None, 0))

    def has(self, opportunity_id: Any) -> bool:
        """Whether one opportunity is among the matches (the alert job's question)."""
        return bool(self._rows(1, 0, only=opportunity_id))


def ranked(
    council: Council, query: str, filters: Search | None = None, *, today: date | None = None
) -> Ranked | QuerySet[Opportunity]:
    """What the council sees matching the words and the filters, best match first. With no words, the
    filtered catalogue in the order of `selectors.search` (closing soonest first). The filters refuse
    as `selectors.search` does (an unknown theme or area names its field)."""
    filtered = search(council, replace(filters or Search(), q=""), today=today)
    terms = terms_of(query)
    if not terms:
        return filtered
    return Ranked(council, terms, filtered)


def matches(council: Council, query: str, filters: Search, opportunity_id: Any) -> bool:
    """Whether the opportunity is one a search of the council's finds: the same words, the same filters,
    the same statement as the page runs."""
    found = ranked(council, query, filters)
    if isinstance(found, Ranked):
        return found.has(opportunity_id)
    return found.filter(pk=opportunity_id).exists()
