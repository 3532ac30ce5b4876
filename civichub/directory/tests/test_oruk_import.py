"""Importing an Open Referral UK feed through the importer framework: all or nothing, every problem
named by record and field, the same file once, and changed services updated."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from civichub.core.models import Role
from civichub.directory.models import Service


@pytest.fixture
def feed(client_as, make_user, directory, wigan, tmp_path):
    """Wigan's directory, exported as a commissioner would download it."""
    exported = client_as(make_user(Role.COMMISSIONER, wigan)).get("/c/wigan/directory/export.json").content
    path = tmp_path / "wigan-feed.json"
    path.write_bytes(exported)
    return path


def run(path, council="sunderland") -> str:
    out = StringIO()
    call_command("imports", "run", "oruk_services", council, str(path), "--no-progress", stdout=out)
    return out.getvalue()


def test_another_directorys_feed_is_imported_then_only_changes_are_applied(feed, sunderland) -> None:
    assert "2 added, 0 updated, 0 unchanged" in run(feed)
    names = set(Service.objects.for_council(sunderland).values_list("name", flat=True))
    assert {"Youth club", "Lunch club"} <= names
    assert "Already imported" in run(feed)
    document = json.loads(feed.read_text())
    document["contents"][0]["description"] = "Now with a hot pudding"
    feed.write_text(json.dumps(document))
    assert "0 added, 1 updated, 1 unchanged" in run(feed)
    lunch = Service.objects.for_council(sunderland).get(name="Lunch club")
    assert lunch.description == "Now with a hot pudding"
    assert json.loads(lunch.oruk_document)["description"] == "Now with a hot pudding"


def test_a_bad_feed_names_record_and_field_and_changes_nothing(feed, sunderland) -> None:
    document = json.loads(feed.read_text())
    document["contents"][0]["status"] = "open"
    document["contents"][1]["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "ZZ9 9ZZ"
    feed.write_text(json.dumps(document))
    before = Service.objects.for_council(sunderland).count()
    with pytest.raises(CommandError) as refused:
        run(feed)
    message = str(refused.value)
    assert "record 1, field 'status': 'open' is not one of" in message
    postcode = "service_at_locations[0].location.addresses[0].postal_code"
    assert f"record 2, field '{postcode}': 'ZZ9 9ZZ' is not a postcode" in message
    assert Service.objects.for_council(sunderland).count() == before


def test_broken_json_is_refused_with_its_line(tmp_path, sunderland) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"contents": [\n  {"id": "x",\n}')
    with pytest.raises(CommandError, match=r"broken.json, line 3: is not valid JSON"):
        run(path)


@pytest.mark.parametrize("blank", ["", "   ", "\u200b\u00ad\u200e"])
def test_a_service_without_a_visible_name_is_named_by_record_and_path(feed, sunderland, blank) -> None:
    """The same check as the form and the API: every problem in every record, and nothing imported."""
    from civichub.core.models import ImportRun

    document = json.loads(feed.read_text())
    document["contents"][1]["name"] = blank
    document["contents"][0]["contacts"] = [{"id": "c1", "service_id": "x", "name": "\u2060"}]
    feed.write_text(json.dumps(document))
    before = Service.objects.for_council(sunderland).count()
    with pytest.raises(CommandError) as refused:
        run(feed)
    message = str(refused.value)
    assert "record 2, field 'name': Enter the service's name" in message
    assert "record 1, field 'contacts[0].name': Enter the name of contact 1" in message
    assert "line" not in message.split(":", 1)[1]
    assert Service.objects.for_council(sunderland).count() == before
    run_record = ImportRun.objects.for_council(sunderland).get()
    assert run_record.job.stage == "Refused"
    assert {e["field"] for e in run_record.errors} == {"name", "contacts[0].name"}
