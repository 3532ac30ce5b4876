"""Background work of records (django-tasks, run by `civichub worker`): approved disposal runs at the
time they were scheduled for (`services.disposal.run_scheduled_disposal`), and the daily reminder of
policies due for review."""

from __future__ import annotations

from django_tasks import task

from civichub.core.actors import Actor
from civichub.core.selectors import councils
from civichub.records.services import documents
from civichub.records.services.disposal import run_scheduled_disposal

__all__ = ["remind_policy_reviews", "run_scheduled_disposal"]


@task()
def remind_policy_reviews() -> int:
    """Every council's policies due for review within 30 days: one event each, once per review date."""
    return sum(documents.remind_reviews(Actor.system("policy reviews", c), c) for c in councils())
