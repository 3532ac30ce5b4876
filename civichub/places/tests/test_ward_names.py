"""Ward names from the ONS lookup: the real file names the wards we hold, a re-run changes nothing, and a
bad file is refused whole, naming the line and field of each problem."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civichub.core.actors import Actor
from civichub.core.importing import ImportRejected
from civichub.core.models import AuditEntry
from civichub.places import selectors, services, sources
from civichub.places.models import Ward

ACTOR = Actor.system("ward name tests")
HEADER = "WD19CD,WD19NM,LAD19CD,LAD19NM"


def _lookup(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "wards.csv.gz"
    path.write_bytes(gzip.compress(("\r\n".join([header, *rows]) + "\r\n").encode("utf-8")))
    return path


def test_the_wards_we_hold_are_named_and_no_others_are_created(db) -> None:
    assert Ward.objects.get(gss_code="E05000861").name == "Wigan Central"
    assert Ward.objects.get(gss_code="E05001163").name == "Redhill"  # Sunderland
    # The file lists every UK ward; only the 76 wards the WN and SR postcodes point at are held.
    assert Ward.objects.count() == 76
    # Chorley's E05013076 is newer than the December 2019 lookup: it keeps showing its code.
    newer = Ward.objects.get(gss_code="E05013076")
    assert newer.name == "" and newer.label == "Ward E05013076"
    assert Ward.objects.filter(name="").count() == 1


def test_the_run_says_what_it_named_and_what_it_left(db) -> None:
    before = list(Ward.objects.order_by("gss_code").values_list("gss_code", "name", "updated_at"))
    run = services.import_reference(ACTOR, "ward_names", sources.ward_names_file())  # the set-up's run
    assert (run.created, run.updated, run.unchanged) == (0, 75, 0)
    assert run.skipped == 8887 - 75
    assert run.notes == [
        "wards in the file not held here: 8812; held wards not in the file (shown by their code): 1"
    ]
    assert list(Ward.objects.order_by("gss_code").values_list("gss_code", "name", "updated_at")) == before


def test_a_changed_name_is_updated_and_audited(db, tmp_path) -> None:
    path = _lookup(tmp_path, "E05000861,Wigan Town Centre,E08000010,Wigan")
    audits = AuditEntry.objects.filter(action="core.import.completed").count()
    summary = services.import_reference(ACTOR, "ward_names", path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    assert Ward.objects.get(gss_code="E05000861").name == "Wigan Town Centre"
    assert Ward.objects.get(gss_code="E05000849").name == "Hindley"  # not in this file: left alone
    assert AuditEntry.objects.filter(action="core.import.completed").count() == audits + 1


def test_wards_not_held_are_not_created(db, tmp_path) -> None:
    path = _lookup(tmp_path, "E05008942,Burn Valley,E06000001,Hartlepool")
    summary = services.import_reference(ACTOR, "ward_names", path)
    assert (summary.created, summary.skipped) == (0, 1)
    assert not Ward.objects.filter(gss_code="E05008942").exists()


def test_names_encoded_twice_in_the_ons_file_are_repaired(db, tmp_path) -> None:
    Ward.objects.create(gss_code="W05000986", name="", local_authority_id="W06000001")
    # The real file's bytes for "Llif\u00f4n": the UTF-8 of "Llif\u00c3\u00b4n", each character of
    # its UTF-8 encoding taken as a Latin-1 character and encoded again.
    path = _lookup(tmp_path, "W05000986,Llif\u00c3\u00b4n,W06000001,Isle of Anglesey")
    services.import_reference(ACTOR, "ward_names", path)
    assert Ward.objects.get(gss_code="W05000986").name == "Llif\u00f4n"


def test_bad_rows_are_each_named_with_line_and_field_and_nothing_changes(db, tmp_path) -> None:
    path = _lookup(
        tmp_path,
        "E05000861,Wigan Town Centre,E08000010,Wigan",
        "X05000001,Nowhere,E08000010,Wigan",
        "E05000849,\u200b ,E08000010,Wigan",
        "E05000850,Ince,Wigan,Wigan",
        "E05000861,Wigan Central,E08000010,Wigan",
    )
    names = dict(Ward.objects.values_list("gss_code", "name"))
    audits = AuditEntry.objects.filter(action="core.import.completed").count()
    with pytest.raises(ImportRejected) as caught:
        services.import_reference(ACTOR, "ward_names", path)
    assert [str(e) for e in caught.value.rows] == [
        "wards.csv.gz, line 3, field 'WD19CD': 'X05000001' is not a ward GSS code (E05, W05, S13 or N08 and "
        "six digits)",
        "wards.csv.gz, line 4, field 'WD19NM': ward 'E05000849' has no name",
        "wards.csv.gz, line 5, field 'LAD19CD': 'Wigan' is not a GSS code (a letter and eight digits)",
        "wards.csv.gz, line 6, field 'WD19CD': ward 'E05000861' appears twice (first on line 2)",
    ]
    assert dict(Ward.objects.values_list("gss_code", "name")) == names  # line 2 was good, but not written
    assert AuditEntry.objects.filter(action="core.import.completed").count() == audits


def test_a_missing_column_is_named(db, tmp_path) -> None:
    path = _lookup(tmp_path, "E05000861,Wigan Central,Wigan", header="WD19CD,WD19NAME,LAD19NM")
    with pytest.raises(ImportRejected) as caught:
        services.import_reference(ACTOR, "ward_names", path)
    assert [str(e) for e in caught.value.rows] == [
        "wards.csv.gz, line 1, field 'WD19NM': required column is missing from the header",
        "wards.csv.gz, line 1, field 'LAD19CD': required column is missing from the header",
    ]


def test_the_command_imports_and_reports(db, tmp_path, capsys) -> None:
    call_command("places", "import-ward-names", "--no-progress")
    assert "ward_to_lad_dec2019_uk.csv.gz: 0 added, 75 updated, 0 unchanged, 8812 skipped" in (
        capsys.readouterr().out
    )
    bad = _lookup(tmp_path, "E05000861,,E08000010,Wigan")
    with pytest.raises(CommandError, match=r"line 2, field 'WD19NM': ward 'E05000861' has no name"):
        call_command("places", "import-ward-names", "--file", str(bad), "--no-progress")


def test_other_contexts_can_ask_for_ward_names(db) -> None:
    assert selectors.ward_names(["e05000861", "E05001163", "E05013076", "E05999999", ""]) == {
        "E05000861": "Wigan Central",
        "E05001163": "Redhill",
    }
    assert [w.name for w in selectors.wards(["E05000861", "E05000849"])] == ["Hindley", "Wigan Central"]
    assert selectors.wards(["E05001163"], in_area="E08000010") == []
    assert sources.ward_names_file().name == "ward_to_lad_dec2019_uk.csv.gz"
