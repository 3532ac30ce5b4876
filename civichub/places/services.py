"""Places services: the geography comes in through the kernel's import pipeline (`places/imports.py`
registers the import types); this module runs those imports from the reference files and gives the
kernel the facts of a council from the local authority register.
"""

from __future__ import annotations

from pathlib import Path

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing.runner import run_now
from civichub.core.jobs import Progress
from civichub.core.models import ImportRun
from civichub.core.services import CouncilFacts
from civichub.places import sources
from civichub.places.models import LocalAuthority
from civichub.places.postcodes import normalise_postcode

__all__ = [
    "council_facts",
    "ensure_local_authorities",
    "import_geography",
    "import_reference",
    "normalise_postcode",
]


def import_reference(
    actor: Actor, import_type: str, path: Path, progress: Progress | None = None
) -> ImportRun:
    """Import one reference file for the whole platform, now, through the kernel's one runner.

    The same file again returns the earlier run and changes nothing. ImportRejected (naming the line
    and field of each problem) if the file was refused; nothing is written then.
    """
    run, _ = run_now(actor, None, import_type, file_name=path.name, content=_read(path), progress=progress)
    return run


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Refused.on("file", f"{path} cannot be read ({exc.strerror})") from exc


def import_geography(actor: Actor, areas: list[str], progress: Progress | None = None) -> list[ImportRun]:
    """Every reference file the platform reads, in the order they depend on each other."""
    files = [
        ("local_authorities", sources.local_authorities_file()),
        ("lsoa_deprivation", sources.deprivation_domains_file()),
        ("lsoa_population", sources.population_file()),
        *[("postcodes", sources.postcode_file(area)) for area in areas],
        ("ward_names", sources.ward_names_file()),
    ]
    return [import_reference(actor, kind, path, progress) for kind, path in files]


def council_facts(actor: Actor, gss_code: str) -> CouncilFacts:
    """The facts of a current UK council from the register, for the kernel's add_council (its adapter)."""
    ensure_local_authorities(actor)
    authority = LocalAuthority.objects.filter(gss_code=gss_code).first()
    if authority is None:
        raise Refused.on("gss_code", f"No UK local authority has the GSS code '{gss_code}'.")
    if not authority.is_current:
        replaced = f", replaced by {authority.replaced_by}" if authority.replaced_by else ""
        raise Refused.on(
            "gss_code", f"{authority.name} ({gss_code}) ceased on {authority.end_date}{replaced}."
        )
    return CouncilFacts(
        gss_code=authority.gss_code,
        name=authority.name,
        short_name=authority.short_name,
        register_code=authority.register_code,
        authority_type=authority.authority_type,
        region=authority.region,
        nation=authority.nation,
    )


def ensure_local_authorities(actor: Actor) -> None:
    """Load the local authority register once, the first time anything needs it."""
    if not LocalAuthority.objects.exists():
        import_reference(actor, "local_authorities", sources.local_authorities_file())
