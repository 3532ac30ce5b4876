"""Running an import from the command line: through the kernel's one runner, now, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing.runner import execute_import, row_errors, start_import
from civichub.core.management.progress import ProgressBar


def import_file(import_type: str, council: Any, file_name: str, content: bytes, **options: Any) -> str:
    """Run one import through the kernel's runner now, with a progress bar; raise CommandError if refused."""
    actor = Actor.system("imports run", council)
    try:
        run, is_new = start_import(
            actor,
            council,
            import_type,
            file_name=file_name,
            content=content,
            idempotency_key=options.get("idempotency_key", ""),
            queue=False,
        )
    except Refused as exc:
        raise CommandError(exc.detail) from exc
    if not is_new:
        return f"Already imported on {run.created_at:%Y-%m-%d %H:%M} ({run.job.message}): nothing done"
    with ProgressBar(enabled=not options.get("no_progress", False)) as progress:
        run = execute_import(str(run.pk), progress)
    if run.errors:
        problems = "\n".join(f"  - {error}" for error in row_errors(run)[:20])
        raise CommandError(f"{run.job.message}:\n{problems}")
    return f"Imported {file_name}: {run.job.message}"
