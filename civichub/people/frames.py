"""The frames the linkage engine works on, read from the database: a council's own records and, under a
data-sharing agreement in force for the purpose, another council's records with only the agreed fields.

A council's linkage never sees another council's records without an agreement: `shared_sources` is the
only door, and it reads the agreements in force today, for this purpose, naming this council as partner.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from civichub.core.models import Council
from civichub.people import bulk
from civichub.people.linkage.columns import COLUMNS
from civichub.people.models import SHAREABLE_FIELDS, DataSharingAgreement, Purpose, SourceRecord

if TYPE_CHECKING:  # pandas costs seconds to import: only the code that links pays it
    import pandas as pd

# What a frame row holds besides the engine's columns: the database id, to write results back.
VALUES = ("pk", *COLUMNS)


def engine_row(values: Mapping[str, Any]) -> dict[str, str | None]:
    """One record as the engine takes it: text, None where blank (Splink compares nulls as unknown)."""
    row: dict[str, str | None] = {}
    for name in COLUMNS:
        value = values.get(name)
        if value is None or value == "":
            row[name] = None
        else:
            row[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return row


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    if not rows:
        return pd.DataFrame(columns=[*COLUMNS, "pk"])
    frame = pd.DataFrame([{**engine_row(r), "pk": str(r["pk"])} for r in rows])
    return frame


def own_records(council: Council) -> pd.DataFrame:
    """Every source record of the council, as the engine's columns and the record's id (`pk`, a UUID).

    Read as the driver gives the rows and made text column by column: a million records through
    Django's converters and `engine_row` one by one took longer than the linkage's cleaning."""
    import pandas as pd

    rows = list(bulk.raw_rows(SourceRecord.objects.for_council(council).order_by().values_list(*VALUES)))
    if not rows:
        return _frame([])
    frame = pd.DataFrame.from_records(rows, columns=list(VALUES))
    del rows
    for name in COLUMNS:
        column = frame[name]
        given = column.dropna()
        if len(given) and not isinstance(given.iloc[0], str):  # PostgreSQL's dates
            column = column.map(_as_text, na_action="ignore")
        column = column.astype(object)  # None for blanks (pandas' own text type would hold NaN)
        frame[name] = column.where(column.notna() & (column != ""), None)
    # The ids as UUIDs (SQLite gives their hex digits): the run writes its results back by them.
    frame["pk"] = [bulk.as_uuid(pk) for pk in frame["pk"]]
    return frame[[*COLUMNS, "pk"]]


def _as_text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def agreements_in_force(
    council: Council, purpose: str, today: date | None = None
) -> list[DataSharingAgreement]:
    """Agreements under which another council shares records with this one, for this purpose, today.

    The agreement belongs to the council that holds the records; the partner reads it by its own name,
    the one query of another council's rows here, and it goes no further than the agreements naming it.
    """
    today = today or date.today()
    return list(
        DataSharingAgreement.unscoped.filter(
            partner=council, purpose=purpose, starts_on__lte=today, ends_on__gte=today
        )
        .exclude(council=council)
        .select_related("council")
    )


def shared_sources(
    council: Council, purpose: str = Purpose.LINKAGE, today: date | None = None
) -> pd.DataFrame:
    """Other councils' records shared with this council for `purpose`: only the agreed fields (the rest
    blank), and each source system named with its council (`sunderland/council-tax`) so nothing collides."""
    import pandas as pd

    frames = []
    for agreement in agreements_in_force(council, purpose, today):
        agreed = [f for f in agreement.fields if f in SHAREABLE_FIELDS]
        rows = SourceRecord.objects.for_council(agreement.council).values(
            "pk", "source_system", "record_id", *agreed
        )
        shared = []
        for row in rows.iterator(chunk_size=5000):
            row["source_system"] = f"{agreement.council.slug}/{row['source_system']}"
            shared.append(row)
        frames.append(_frame(shared))
    if not frames:
        return _frame([])
    return pd.concat(frames, ignore_index=True)


def linkage_frame(
    council: Council, purpose: str = Purpose.LINKAGE, today: date | None = None
) -> pd.DataFrame:
    """The council's records and whatever is shared with it for the purpose, in one frame."""
    import pandas as pd

    shared = shared_sources(council, purpose, today)
    own = own_records(council)
    if shared.empty:
        return own
    return pd.concat([own, shared], ignore_index=True)
