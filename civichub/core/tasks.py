"""Background tasks of the kernel (django-tasks API, Django 6's `django.tasks`; run by `civichub worker`)."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="imports")
def run_import(import_run_id: str) -> None:
    from civichub.core.importing.runner import execute_import

    execute_import(import_run_id)
