"""Who is acting, and for which council: passed from views, API routes and commands into services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from civichub.core.models import Council, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    council: Council | None = None
    system_job: str = ""

    @classmethod
    def system(cls, job: str, council: Council | None = None) -> Actor:
        """A platform job run from the command line or a background task."""
        return cls(user=None, council=council, system_job=job)

    @property
    def is_system(self) -> bool:
        return self.user is None

    @property
    def audit_id(self) -> str:
        return f"system:{self.system_job}" if self.user is None else str(self.user.pk)

    @property
    def label(self) -> str:
        return f"system ({self.system_job})" if self.user is None else self.user.username

    def acting_for(self, council: Council) -> Actor:
        return Actor(user=self.user, council=council, system_job=self.system_job)
