"""Each record's blocking keys in the database (`RecordKeys`), and the candidates they find.

A record arriving alone is scored against the stored records that share a blocking rule with it: the
same pairs the full run's Splink blocking would have made. Written by the loads (records to link on
arrival) and by the full run (every record without keys); read by `arrivals`. Helpers of the services,
called inside their transactions (which audit and publish); nothing here is a change of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from civichub.core.models import Council
from civichub.people import bulk
from civichub.people.engine import engine
from civichub.people.frames import engine_row
from civichub.people.linkage.columns import BLOCKING_RULES, KEY_COLUMNS
from civichub.people.models import RecordKeys, SourceRecord

if TYPE_CHECKING:  # pandas costs seconds to import: only the code that links pays it
    import pandas as pd

# Fewer rows than this are cleaned with prepare_rows (planned once, no pandas); more, as one frame.
_FEW = 20
_LENGTHS = {c: RecordKeys._meta.get_field(c).max_length for c in KEY_COLUMNS}  # type: ignore[union-attr]


def cleaned(rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The engine's cleaned values of KEY_COLUMNS (in that order) of records given as stored values."""
    text = [engine_row(r) for r in rows]
    if len(text) < _FEW:
        return [tuple(row[c] for c in KEY_COLUMNS) for row in engine().prepare_rows(text)]
    import pandas as pd

    return list(key_frame(engine().prepare(pd.DataFrame(text))).itertuples(index=False, name=None))


def key_frame(prepared: pd.DataFrame) -> pd.DataFrame:
    """The key columns of a frame the engine prepared (None where blank)."""
    keys = prepared[list(KEY_COLUMNS)]
    return keys.astype(object).where(keys.notna(), None)


def write(council: Council, pks: Iterable[Any], keys: Iterable[Sequence[Any]]) -> int:
    """Store the keys of records that have none (pks, and rows of KEY_COLUMNS values, in one order)."""
    lengths = [_LENGTHS[c] for c in KEY_COLUMNS]
    rows = (
        (council.pk, pk, *(str(v or "")[:n] for v, n in zip(key, lengths, strict=True)))
        for pk, key in zip(pks, keys, strict=True)
    )
    return bulk.insert_rows(RecordKeys, rows, ["council", "record", *KEY_COLUMNS])


def forget(council: Council, pks: Sequence[Any]) -> None:
    """Drop these records' keys (their values changed: new keys follow)."""
    for start in range(0, len(pks), 1000):
        RecordKeys.objects.for_council(council).filter(record_id__in=pks[start : start + 1000]).delete()


def refresh(council: Council, records: Sequence[Mapping[str, Any]], *, new: frozenset[Any]) -> None:
    """Replace the keys of these records (stored values with their `pk`) with those of their values now;
    `new`: ids of records created just now, which have none to drop."""
    if not records:
        return
    forget(council, [r["pk"] for r in records if r["pk"] not in new])
    write(council, (r["pk"] for r in records), cleaned(records))


def without_keys(council: Council) -> set[Any]:
    """Ids of the council's records with no stored keys (loaded in bulk, waiting for a full run)."""
    return set(
        SourceRecord.objects.for_council(council)
        .filter(keys__isnull=True)
        .values_list("pk", flat=True)
        .iterator(chunk_size=10000)
    )


def candidate_ids(council: Council, record_pk: Any, limit: int) -> list[Any]:
    """Up to `limit` stored records sharing a blocking rule with this one (not itself): one SELECT per
    rule the record has every value of, each through the index on the rule's first column."""
    found = RecordKeys.objects.for_council(council).filter(pk=record_pk).values(*KEY_COLUMNS).first()
    if not found:
        return []
    held = RecordKeys.objects.for_council(council).exclude(pk=record_pk)
    rules = [
        held.filter(Q(**{c: found[c] for c in columns})).values_list("pk", flat=True)
        for _, columns in BLOCKING_RULES
        if all(found[c] for c in columns)
    ]
    if not rules:
        return []
    first, *rest = rules
    return list(first.union(*rest)[:limit]) if rest else list(first[:limit])
