"""The `ocds_releases` import type: a council's contracts from an OCDS release package (Contracts
Finder, Find a Tender, or another civichub's export), through the kernel's one pipeline: the web's
import page, the API, and `civichub imports run ocds_releases <council> FILE.json`."""

from __future__ import annotations

from civichub.commissioning.ocds.importing import check
from civichub.commissioning.ocds.register import apply_records
from civichub.core.importing import Column, ImportType, register

OCDS_RELEASES = register(
    ImportType(
        name="ocds_releases",
        label="Contracts (OCDS release package, as Contracts Finder or Find a Tender publish it)",
        description=(
            "An OCDS 1.1 release package: its releases are compiled into records, their parties become "
            "organisations with their identifiers, and their awards and contracts become contracts in the "
            "register, keeping the source ocid. Each release is checked against the OCDS schema."
        ),
        permission="commissioning.manage",
        columns=(
            Column(
                "releases", True, "The package's releases: each with ocid, id, date, tag and initiationType"
            ),
        ),
        check=check,
        apply=apply_records,
        file_format="json",
    )
)
