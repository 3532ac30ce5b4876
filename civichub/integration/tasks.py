"""Background tasks of the integration context (django-tasks API; run by `civichub worker`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="imports")
def run_import(import_run_id: str) -> None:
    from civichub.integration.services import execute_import

    execute_import(import_run_id)
