"""Geography importers: real files load completely, a re-run changes nothing, bad files change nothing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civichub.core.actors import Actor
from civichub.core.importing import ImportRejected
from civichub.core.models import AuditEntry, DomainEvent, ImportRun
from civichub.places import services, sources
from civichub.places.models import LocalAuthority, Lsoa, Postcode, Ward

ACTOR = Actor.system("importer tests")


def test_the_real_files_are_loaded_in_full(db) -> None:
    assert Lsoa.objects.count() == 32844
    assert (
        LocalAuthority.objects.filter(
            gss_code__in=["E08000010", "E08000024", "E07000127", "E06000047"]
        ).count()
        == 4
    )
    assert Postcode.objects.filter(postcode__startswith="WN").count() == 9235
    assert Postcode.objects.filter(postcode__startswith="SR").count() == 8765
    wn11aa = Postcode.objects.get(compact="WN11AA")
    assert (wn11aa.local_authority_id, wn11aa.ward_id, wn11aa.lsoa_id) == (
        "E08000010",
        "E05000861",
        "E01006369",
    )
    wigan_lsoa = Lsoa.objects.get(code="E01006369")
    assert wigan_lsoa.name.startswith("Wigan")
    assert 1 <= wigan_lsoa.imd_decile <= 10 and wigan_lsoa.population > 0
    # Wigan's 200 LSOAs: 160 have postcodes in WN and so a best-fit ward; the rest lie in the M, WA and BL
    # postcode areas, which the shared data does not hold (likewise Sunderland's NE and DH postcodes).
    assert Lsoa.objects.filter(local_authority__gss_code="E08000010").count() == 200
    assert (
        Lsoa.objects.filter(local_authority__gss_code="E08000010", best_fit_ward__isnull=False).count() == 160
    )
    assert Ward.objects.filter(local_authority__gss_code="E08000010").count() == 23
    assert not Lsoa.objects.filter(
        best_fit_ward__local_authority__gss_code="E08000024", local_authority__gss_code="E08000010"
    )


def test_non_geographic_postcodes_are_kept_without_places(db) -> None:
    po_box = Postcode.objects.get(compact="SR432AA")
    assert po_box.is_live and po_box.local_authority_id is None and po_box.lsoa_id is None


def test_each_file_is_a_platform_import_run(db) -> None:
    runs = ImportRun.objects.for_platform().order_by("created_at")
    assert [r.import_type for r in runs] == [
        "local_authorities",
        "lsoa_deprivation",
        "lsoa_population",
        "postcodes",
        "postcodes",
        "ward_names",
    ]
    postcodes = runs.filter(file_name="NSPL_NOV_2021_UK_WN.csv.gz").get()
    assert (postcodes.created, postcodes.job.status, postcodes.council) == (9235, "succeeded", None)
    assert DomainEvent.objects.for_platform().filter(type="core.import.completed").count() == 6


def test_re_running_an_import_changes_nothing(db, tmp_path) -> None:
    def stamps() -> list[object]:
        return list(
            Postcode.objects.filter(postcode__startswith="WN").order_by("postcode").values_list("updated_at")
        )

    before, runs = stamps(), ImportRun.objects.for_platform().count()
    # The same file again is the same import: the earlier run comes back and nothing is done.
    again = services.import_reference(ACTOR, "postcodes", sources.postcode_file("WN"))
    assert again.created == 9235 and ImportRun.objects.for_platform().count() == runs
    # The same rows in a different file (one more blank line) are checked and leave every row alone.
    same_rows = tmp_path / "NSPL_WN_AGAIN.csv.gz"
    same_rows.write_bytes(gzip.compress(gzip.decompress(sources.postcode_file("WN").read_bytes()) + b"\n"))
    rerun = services.import_reference(ACTOR, "postcodes", same_rows)
    assert (rerun.created, rerun.updated, rerun.unchanged) == (0, 0, 9235)
    assert stamps() == before


def _nspl(tmp_path: Path, body: str, *, header: str | None = None, encoding: str = "latin-1") -> Path:
    real = gzip.decompress(sources.postcode_file("WN").read_bytes()).decode("latin-1").splitlines()
    lines = [header or real[0], *real[1:4], *body.splitlines()]
    path = tmp_path / "NSPL_TEST.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(encoding)))
    return path


def _row(postcode: str, *, laua: str = "E08000010", ward: str = "E05000861", lsoa: str = "E01006369") -> str:
    return (
        f'"{postcode}","{postcode}","{postcode}","199002","","1","358016","0405780","1","E00032310","E11000001",'
        f'"E99999999","{laua}","{ward}","E18000002","E40000010","E92000001","E12000002","E14001039","E15000002",'
        f'"E24000024","E30000284","E16000032","E08000010","E99999999","{lsoa}","E02001294","E33002966",'
        f'"E38000205","E34004959","E35001379","A1","7A2",53.546967,-2.635089,"E37000015","","E23000005",1991,'
        f'"E56000019","E54000007"'
    )


def _assert_nothing_written(run) -> ImportRejected:
    def state() -> tuple[int, ...]:
        completed = AuditEntry.objects.filter(action="core.import.completed").count()
        return Postcode.objects.count(), Ward.objects.count(), completed

    before = state()
    with pytest.raises(ImportRejected) as caught:
        run()
    assert state() == before
    refused = ImportRun.objects.for_platform().order_by("-created_at").first()
    assert refused is not None and refused.job.status == "failed" and refused.errors
    return caught.value


def test_an_unknown_gss_code_is_named_with_its_line_and_field(db, tmp_path) -> None:
    path = _nspl(tmp_path, _row("WN9 9ZZ") + "\n" + _row("WN9 9ZY", laua="E08999999", ward=""))
    error = _assert_nothing_written(lambda: services.import_reference(ACTOR, "postcodes", path))
    assert [str(e) for e in error.rows] == [
        "NSPL_TEST.csv.gz, line 6, field 'laua': unknown local authority GSS code 'E08999999'"
    ]
    assert not Postcode.objects.filter(postcode="WN9 9ZZ").exists()  # the good row was not written either


def test_a_duplicate_postcode_names_both_lines(db, tmp_path) -> None:
    path = _nspl(tmp_path, _row("WN9 9ZZ") + "\n" + _row("WN9 9ZZ"))
    error = _assert_nothing_written(lambda: services.import_reference(ACTOR, "postcodes", path))
    assert "line 6, field 'pcds': postcode 'WN9 9ZZ' appears twice (first on line 5)" in str(error)


def test_a_missing_column_is_named(db, tmp_path) -> None:
    real_header = gzip.decompress(sources.postcode_file("WN").read_bytes()).decode("latin-1").splitlines()[0]
    path = _nspl(tmp_path, "", header=real_header.replace('"lsoa11"', '"lsoa"').replace("lsoa11", "lsoa"))
    error = _assert_nothing_written(lambda: services.import_reference(ACTOR, "postcodes", path))
    assert [str(e) for e in error.rows] == [
        "NSPL_TEST.csv.gz, line 1, field 'lsoa11': required column is missing from the header"
    ]


def test_bad_values_are_each_named(db, tmp_path) -> None:
    bad = (
        _row("NOT A POSTCODE")
        + "\n"
        + _row("WN9 9ZX", ward="X123")
        + "\n"
        + _row("WN9 9ZW", lsoa="E01999999")
    )
    path = _nspl(tmp_path, bad)
    error = _assert_nothing_written(lambda: services.import_reference(ACTOR, "postcodes", path))
    messages = [str(e) for e in error.rows]
    assert "NSPL_TEST.csv.gz, line 5, field 'pcds': 'NOT A POSTCODE' is not a UK postcode" in messages
    assert "NSPL_TEST.csv.gz, line 6, field 'ward': 'X123' is not a ward GSS code" in messages
    assert any("line 7, field 'lsoa11': unknown LSOA code 'E01999999'" in m for m in messages)


def test_a_corrupt_gzip_file_is_refused(db, tmp_path) -> None:
    path = tmp_path / "NSPL_BROKEN.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 this is not really gzip")
    error = _assert_nothing_written(lambda: services.import_reference(ACTOR, "postcodes", path))
    assert "NSPL_BROKEN.csv.gz: is not a readable gzip file" in str(error)


def test_bad_encoding_is_named_with_its_line(db, tmp_path) -> None:
    domains = gzip.decompress(sources.deprivation_domains_file().read_bytes()).splitlines()
    # A Latin-1 "é" in a file that must be UTF-8, on the third line.
    domains[2] = domains[2].replace(b"City of London", b"Cit\xe9 of London")
    path = tmp_path / "domains.csv"
    path.write_bytes(b"\n".join(domains))
    lsoas = Lsoa.objects.count()
    with pytest.raises(ImportRejected, match=r"domains.csv, line 3: is not valid utf-8 text \(byte 0xe9\)"):
        services.import_reference(ACTOR, "lsoa_deprivation", path)
    assert Lsoa.objects.count() == lsoas


def test_a_deprivation_row_with_an_unknown_authority_is_refused(db, tmp_path) -> None:
    domains = (
        gzip.decompress(sources.deprivation_domains_file().read_bytes()).decode("utf-8-sig").splitlines()
    )
    code, name, _authority, rest = domains[5].split(",", 3)
    domains[5] = ",".join([code, name, "E09999999", rest])
    path = tmp_path / "domains.csv"
    path.write_text("\n".join(domains), encoding="utf-8")
    with pytest.raises(
        ImportRejected, match=r"line 6, field 'Local Authority District code \(2019\)': unknown"
    ):
        services.import_reference(ACTOR, "lsoa_deprivation", path)


def test_the_command_reports_a_rejected_file_clearly(db, tmp_path) -> None:
    path = _nspl(tmp_path, _row("WN9 9ZY", laua="E08999999", ward=""))
    with pytest.raises(CommandError, match="Import rejected, nothing was changed"):
        call_command("places", "import-postcodes", "--file", str(path), "--no-progress")
