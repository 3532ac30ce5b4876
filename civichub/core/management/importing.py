"""Running an import from the command line: through the kernel's one runner, now, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing.runner import run_now
from civichub.core.management.progress import ProgressBar


def import_file(import_type: str, council: Any, file_name: str, content: bytes, **options: Any) -> str:
    """Run one import through the kernel's runner now, with a progress bar; raise CommandError if refused."""
    try:
        with ProgressBar(enabled=not options.get("no_progress", False)) as progress:
            run, is_new = run_now(
                Actor.system("imports run", council),
                council,
                import_type,
                file_name=file_name,
                content=content,
                idempotency_key=options.get("idempotency_key", ""),
                progress=progress,
            )
    except Refused as exc:  # the file or the request (ImportRejected names every line and field)
        raise CommandError(exc.detail) from exc
    if not is_new:
        return f"Already imported on {run.created_at:%Y-%m-%d %H:%M} ({run.job.message}): nothing done"
    return f"Imported {file_name}: {run.job.message}"
