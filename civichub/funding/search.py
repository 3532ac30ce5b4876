"""Ranked full-text search of the opportunity catalogue: one selector, two engines (ADR 0016).

SQLite (the embedded default) keeps each opportunity's programme, funder and summary in an FTS5 table
and ranks with bm25(), the programme counting ten times and the funder four times as much as the summary.
PostgreSQL keeps the same text with a stored tsvector (programme A, funder B, summary D) under a GIN
index and ranks with ts_rank_cd(). Either way one statement matches the words, keeps to what the council
sees and to the search's filters (the very WHERE clause of `selectors.search`, compiled by Django), ranks
and pages, so "matches" means the same on the page, in the API and in the alerts. A search ranks at most
CAP matches, the most recently added, and says when there were more (ADR 0024).

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

TEXT = "funding_opportunitytext"  # SQLite: the FTS5 table of the words
ROWS = "funding_opportunitysearch"  # the narrow search rows (PostgreSQL: with the tsvector)
OPPORTUNITY = "funding_opportunity"
# What a search row copies from its opportunity: every column `selectors.search` filters on, and the
# name for ties. A filter on any other column must be added here (and to the migration's tables).
COLUMNS = "council_id, opens_on, closes_on, applicant_types, themes, area_codes, programme"
TSV = (
    "setweight(to_tsvector('english', o.programme), 'A') || setweight(to_tsvector('english', o.funder), 'B')"
    " || setweight(to_tsvector('english', o.summary), 'D')"
)
# PostgreSQL: the filters' tokens (applicant types, themes) beside the words in one GIN index, so a search
# with those filters intersects them inside the index (ADR 0024). Only a narrowing: the filters' own WHERE
# clause still decides (a hyphenated code is several lexemes here, which only ever finds more).
TAGS = "to_tsvector('simple', o.applicant_types || ' ' || o.themes)"
# New search rows take keys in the order their opportunities were added, so that a rebuild keeps "the
# most recently added" (what a capped search ranks) as the services wrote it; a change keeps its key.
ADDED = "ORDER BY o.created_at, o.id"
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


def _index(where: str, params: list[Any]) -> None:
    """(Re)write the search rows and words of the opportunities `where` picks, from the saved rows."""
    columns = ", ".join(f"o.{c.strip()}" for c in COLUMNS.split(","))
    update = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in COLUMNS.split(","))
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"INSERT INTO {ROWS} (id, {COLUMNS}, tsv, tags) SELECT o.id, {columns}, {TSV}, {TAGS} "  # noqa: S608
                f"FROM {OPPORTUNITY} o WHERE {where} {ADDED} "
                f"ON CONFLICT (id) DO UPDATE SET {update}, tsv = excluded.tsv, tags = excluded.tags",
                params,
            )
            return
        cursor.execute(
            f"INSERT INTO {ROWS} (id, {COLUMNS}) SELECT o.id, {columns} "  # noqa: S608
            f"FROM {OPPORTUNITY} o WHERE {where} {ADDED} ON CONFLICT (id) DO UPDATE SET {update}",
            params,
        )
        cursor.execute(
            f"DELETE FROM {TEXT} WHERE rowid IN (SELECT s.key FROM {ROWS} s "  # noqa: S608
            f"JOIN {OPPORTUNITY} o ON o.id = s.id WHERE {where})",
            params,
        )
        cursor.execute(
            f"INSERT INTO {TEXT} (rowid, programme, funder, summary) "  # noqa: S608
            f"SELECT s.key, o.programme, o.funder, o.summary FROM {ROWS} s "
            f"JOIN {OPPORTUNITY} o ON o.id = s.id WHERE {where}",
            params,
        )


def write(opportunity: Opportunity) -> None:
    """Put (or replace) one opportunity in the index: call in the transaction that saves it."""
    _index("o.id = %s", [_key(opportunity.pk)])


def rebuild() -> int:
    """Fill the index again from the whole catalogue, in a few statements; returns how many it holds.
    For a bulk load (the benchmark's) and for repair: what the services write is the same."""
    with connection.cursor() as cursor:
        if not _postgres():
            cursor.execute(f"DELETE FROM {TEXT}")  # noqa: S608
        cursor.execute(f"DELETE FROM {ROWS}")  # noqa: S608
    _index("1 = 1", [])
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"ANALYZE {ROWS}")
        else:
            cursor.execute(f"INSERT INTO {TEXT} ({TEXT}) VALUES ('optimize')")  # noqa: S608
        cursor.execute(f"SELECT COUNT(*) FROM {ROWS}")  # noqa: S608
        return int(cursor.fetchone()[0])


# How many matches a search ranks and counts. A common word ("community") is in most of the catalogue,
# and scoring every match (bm25 reads each match's length; ts_rank_cd each match's tsvector) set the p95:
# past this many, the page says "more than 1,000" and ranks the 1,000 most recently added (ADR 0024).
CAP = 1000


def statement() -> tuple[str, str, str, str]:
    """(FROM … WHERE match, the score expression, the order of the candidates, the score's ORDER BY) of
    a ranked search, before the filters' clause. The search row is named as the opportunity table, so
    the filters' WHERE clause that Django compiles for `selectors.search` applies to it unchanged. The
    benchmark's bare baseline is this same SQL, without Django."""
    if _postgres():
        return (
            f"FROM {ROWS} {OPPORTUNITY} WHERE {OPPORTUNITY}.tsv @@ plainto_tsquery('english', %s)",
            "ts_rank_cd(tsv, plainto_tsquery('english', %s))",  # of the candidates kept
            f"{OPPORTUNITY}.key DESC",
            "score DESC",
        )
    # SQLite takes CROSS JOIN as an order: the full-text match drives, newest key first (FTS5 walks its
    # doclists backwards itself), and each match finds its search row by integer key. bm25() is lower
    # for a better match.
    return (
        f"FROM {TEXT} CROSS JOIN {ROWS} AS {OPPORTUNITY} ON {OPPORTUNITY}.key = {TEXT}.rowid "
        f"WHERE {TEXT} MATCH %s",
        f"bm25({TEXT}, {SQLITE_WEIGHTS})",
        f"{TEXT}.rowid DESC",
        "score",
    )


def ranked_sql(where: str, *, limit: bool = True, cap: int = CAP) -> str:
    """The one statement of a ranked search: (id, score, how many candidates), best first. The
    candidates are the matches that pass the filters, newest first, at most `cap` + 1 of them (the one
    past the cap says "more"); only they are scored. SQLite scores in the candidates' statement (bm25() is
    only callable there; it is computed for the rows the LIMIT keeps); PostgreSQL scores the candidates
    it kept. The count is a window over them, so nothing is matched twice. Its parameters: the match
    (twice on PostgreSQL: the score's and the WHERE's), the filters', then LIMIT and OFFSET."""
    source, score, newest, order = statement()
    keep = f"{OPPORTUNITY}.id AS id, {OPPORTUNITY}.programme AS programme, {OPPORTUNITY}.key AS key"
    if _postgres():
        candidates = (
            f"SELECT {keep}, {OPPORTUNITY}.tsv AS tsv {source} AND ({where}) "
            f"ORDER BY {newest} LIMIT {int(cap) + 1}"
        )
        inner = f"SELECT id, {score} AS score, programme, key FROM ({candidates}) candidates"  # noqa: S608 - constant names
    else:
        inner = (
            f"SELECT {keep}, {score} AS score {source} AND ({where}) ORDER BY {newest} LIMIT {int(cap) + 1}"
        )
    page = " LIMIT %s OFFSET %s" if limit else ""
    # The candidate past the cap is the oldest (the newest were kept): it only said "more", so it goes.
    counted = (
        f"SELECT id, score, programme, key, COUNT(*) OVER () AS n, MIN(key) OVER () AS oldest "  # noqa: S608
        f"FROM ({inner}) scored"
    )
    return (
        f"SELECT id, score, n FROM ({counted}) ranked WHERE n <= {int(cap)} OR key <> oldest "  # noqa: S608
        f"ORDER BY {order}, programme, id{page}"
    )


# The ranking's first this many ids are kept from the one statement, with the count: every page a person
# or the API asks for first (the API's largest page is 500) is a slice of them.
HEAD = 500


class Ranked:
    """The opportunities matching some words and filters, best first: counted, sliced and iterated like
    a queryset, so the page's Paginator and the API's pagination take it. Each opportunity it gives
    carries its `score` (higher is better on both engines). Past CAP matches, `capped` is true and it
    holds the CAP most recently added matches, ranked."""

    def __init__(
        self,
        council: Council,
        terms: list[str],
        filtered: QuerySet[Opportunity],
        cap: int = CAP,
        tags: Sequence[str] = (),
    ) -> None:
        self.council = council
        self.cap = cap
        self.terms = terms
        query = filtered.query
        where, params = query.get_compiler(connection=connection).compile(query.where)
        self._where, self._params = where, list(params)
        if tags and _postgres():
            where_tags, tag_params = tags_clause(tags)
            self._where, self._params = f"{self._where} AND {where_tags}", [*self._params, *tag_params]
        self._ranking_held: list[tuple[Any, float]] | None = None
        self._count = 0
        self.capped = False

    def _run(self, where: str, extra: list[Any], limit: int | None, offset: int) -> list[Any]:
        match = match_of(self.terms)
        params = [*([match] if _postgres() else []), match, *self._params, *extra]
        params += [limit, offset] if limit is not None else []
        with connection.cursor() as cursor:
            cursor.execute(ranked_sql(f"{self._where}{where}", limit=limit is not None, cap=self.cap), params)
            return list(cursor.fetchall())

    def _ranking(self, limit: int | None, offset: int) -> list[tuple[Any, float]]:
        """A slice of the one ranking: the first HEAD from one statement, made once; any further page
        from the same statement with its own LIMIT and OFFSET."""
        if self._ranking_held is None:
            rows = self._run("", [], HEAD, 0)
            total = int(rows[0][2]) if rows else 0
            self.capped = total > self.cap
            self._count = min(total, self.cap)
            self._ranking_held = [(r[0], r[1]) for r in rows]
        stop = None if limit is None else offset + limit
        if (stop is not None and stop <= HEAD) or len(self._ranking_held) < HEAD:
            return self._ranking_held[offset:stop]
        return [(r[0], r[1]) for r in self._run("", [], limit if limit is not None else self.cap, offset)]

    def count(self) -> int:
        """How many are ranked: every match, or the cap when there are more (then `capped`)."""
        self._ranking(0, 0)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _opportunities(self, ranking: list[tuple[Any, float]]) -> list[Opportunity]:
        field = Opportunity._meta.pk
        ids = [field.to_python(opportunity_id) for opportunity_id, _ in ranking]
        # Unscoped by primary key: the statement kept to the council's and the platform's rows already,
        # and SQLite, given the council filter again, may scan by council instead of by key.
        held = Opportunity.unscoped.in_bulk(ids)
        result = []
        for opportunity_id, (_, score) in zip(ids, ranking, strict=True):
            opportunity = held[opportunity_id]
            # One direction for both engines: bm25() is negative and lower for a better match.
            opportunity.score = -float(score) if not _postgres() else float(score)  # type: ignore[attr-defined]
            result.append(opportunity)
        return result

    @overload
    def __getitem__(self, index: int) -> Opportunity: ...
    @overload
    def __getitem__(self, index: slice) -> list[Opportunity]: ...
    def __getitem__(self, index: int | slice) -> Opportunity | list[Opportunity]:
        if isinstance(index, int):
            found = self._opportunities(self._ranking(1, index))
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        limit = None if stop is None else max(stop - start, 0)
        return self._opportunities(self._ranking(limit, start))

    def __iter__(self) -> Iterator[Opportunity]:
        return iter(self._opportunities(self._ranking(None, 0)))

    def has(self, opportunity_id: Any) -> bool:
        """Whether one opportunity is among the matches (the alert job's question)."""
        return bool(self._run(f" AND {OPPORTUNITY}.id = %s", [_key(opportunity_id)], 1, 0))


def tags_clause(tags: Sequence[str]) -> tuple[str, list[str]]:
    """PostgreSQL: the condition on the filter tokens (the applicant type and theme searched for)."""
    return f"{OPPORTUNITY}.tags @@ plainto_tsquery('simple', %s)", [" ".join(tags)]


def ranked(
    council: Council,
    query: str,
    filters: Search | None = None,
    *,
    today: date | None = None,
    cap: int = CAP,
) -> Ranked | QuerySet[Opportunity]:
    """What the council sees matching the words and the filters, best match first. With no words, the
    filtered catalogue in the order of `selectors.search` (closing soonest first). The filters refuse
    as `selectors.search` does (an unknown theme or area names its field)."""
    filtered = search(council, replace(filters or Search(), q=""), today=today)
    terms = terms_of(query)
    if not terms:
        return filtered
    found = filters or Search()
    tags = [t for t in (found.applicant_type.strip().lower()[:30], found.theme.strip().lower()[:50]) if t]
    return Ranked(council, terms, filtered, cap, tags)


def matches(council: Council, query: str, filters: Search, opportunity_id: Any) -> bool:
    """Whether the opportunity is one a search of the council's finds: the same words, the same filters,
    the same statement as the page runs."""
    found = ranked(council, query, filters)
    if isinstance(found, Ranked):
        return found.has(opportunity_id)
    return found.filter(pk=opportunity_id).exists()
