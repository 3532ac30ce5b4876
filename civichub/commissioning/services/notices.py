"""Publishing a UK notice: the one function every stage and every contract change goes through.

A notice keeps `facts`, a snapshot of what it states at publication, so a later change never rewrites
what was published. Its OCDS release is built from the notice by the release builder that
`commissioning.ocds` registers at start-up (`set_release_builder`), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from civichub.commissioning.models import Contract, Notice, NoticeType, Procurement
from civichub.core import audit
from civichub.core.actors import Actor
from civichub.core.outbox import publish

# The OCDS release tags each notice carries (the tag codelist of OCDS 1.1).
TAGS: dict[str, list[str]] = {
    NoticeType.UK1: ["planning"],
    NoticeType.UK2: ["planning"],
    NoticeType.UK3: ["planning"],
    NoticeType.UK4: ["tender"],
    NoticeType.UK5: ["award"],
    NoticeType.UK6: ["award"],
    NoticeType.UK7: ["contract"],
    NoticeType.UK9: ["implementation"],
    NoticeType.UK10: ["contractAmendment"],
    NoticeType.UK11: ["contractTermination"],
    NoticeType.UK12: ["tenderCancellation"],
}

ReleaseBuilder = Callable[[Notice], dict[str, Any]]
_builder: list[ReleaseBuilder] = []


def set_release_builder(builder: ReleaseBuilder) -> None:
    """Called once by `commissioning.ocds` when the app is ready: how a notice's release is built."""
    _builder[:] = [builder]


@transaction.atomic
def publish_notice(
    actor: Actor,
    procurement: Procurement | None,
    notice_type: str,
    facts: dict[str, Any],
    contract: Contract | None = None,
) -> Notice:
    """Publish a UK notice of a procurement (and of one of its contracts, for UK7 to UK11).

    The caller has decided that the notice is due (the stage services do); this records it with its
    facts and release, audits it and tells the event feed, in the caller's transaction.
    """
    subject = procurement if procurement is not None else contract
    assert subject is not None, "a notice is of a procurement or a contract"
    notice = Notice(
        council=subject.council,
        procurement=procurement,
        contract=contract,
        notice_type=NoticeType(notice_type),
        tags=list(TAGS[notice_type]),
        published_at=timezone.now(),
        facts=facts,
    )
    notice.save()
    if _builder:
        notice.release = _builder[0](notice)
        notice.save(update_fields=["release"])
    ocid = procurement.ocid if procurement is not None else contract.ocid  # type: ignore[union-attr]
    audit.record(
        actor,
        "commissioning.notice.published",
        obj=notice,
        council=subject.council,
        data={"notice_type": notice.notice_type, "ocid": ocid},
    )
    publish(
        "commissioning.notice.published",
        council=subject.council,
        subject=notice,
        data={
            "notice_id": str(notice.pk),
            "notice_type": notice.notice_type,
            "ocid": ocid,
            "procurement_id": str(procurement.pk) if procurement is not None else None,
            "contract_id": str(contract.pk) if contract is not None else None,
        },
    )
    return notice
