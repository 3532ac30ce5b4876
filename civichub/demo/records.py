"""Demo records for each council: the retention schedule, policies, a year of decisions (key ones with
their forward-plan notice, one taken on short notice and one called in), documents about the demo's
services and contracts and as evidence for decisions, old correspondence due for disposal, a hold that
blocks part of a disposal run, the completed run with its certificate, and an FOI and a SAR.

Everything goes through the records services, as the records manager and a commissioner, so it is
audited and published like real work. Dates are relative to today, so the demo stays a year deep.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from civichub.core.actors import Actor
from civichub.core.models import Council, User
from civichub.directory.models import Service
from civichub.records.models import Document, LinkType
from civichub.records.samples import docx, pdf
from civichub.records.services import decisions, disposal, documents, requests, retention

POLICIES = [
    (
        "Safeguarding adults policy",
        "How the council and its providers protect adults at risk of abuse or neglect.",
    ),
    ("Commissioning strategy", "Purpose-led commissioning: outcomes, open-book contracts and market health."),
    ("Carers' strategy", "Support for unpaid carers: breaks, advice and carers' assessments."),
    ("Information governance policy", "Records management, retention, disposal and information requests."),
    (
        "Complaints and compliments policy",
        "How residents raise concerns about council and commissioned services.",
    ),
]
DECISION_TOPICS = [
    ("Recommission home care across the borough", "commission", True),
    ("Award the carers' support contract", "contract", True),
    ("Extend the day opportunities framework by one year", "contract", True),
    ("Adopt the market position statement", "policy", False),
    ("Approve the adult social care fee uplift", "budget", True),
    ("Close the Leigh Road day centre and move the service", "commission", True),
    ("Grant funding for food pantries", "budget", False),
    ("Refresh the safeguarding adults policy", "policy", False),
    ("Procure community transport", "commission", True),
    ("Agree the ward budget scheme", "budget", False),
    ("Vary the reablement contract to add weekend visits", "contract", False),
    ("Approve the family hubs delivery plan", "commission", True),
]
MEMBERS = ["Cllr Ashworth", "Cllr Birch", "Cllr Chadwick", "Cllr Dunn", "Cllr Ellison", "Cllr Fairclough"]


def _pdf(text: str) -> bytes:
    # The demo's PDFs hold one line; PDF string syntax needs brackets and backslashes escaped.
    return pdf(text.replace("\\", "").replace("(", "").replace(")", "")[:200])


def load(seed: int = 2026) -> int:
    """Give each demo council its records (once: a council that has a retention schedule is skipped).
    Returns how many documents were added."""
    made = 0
    for council in Council.objects.filter(gss_code__in=["E08000010", "E08000024"]).order_by("gss_code"):
        manager = User.objects.filter(username=f"{council.slug}.records-manager").first()
        approver = User.objects.filter(username=f"{council.slug}.commissioner").first()
        if manager is None or approver is None:
            continue
        made += _council(council, manager, approver, random.Random(f"{seed}-{council.slug}"))
    return made


def _council(council: Council, manager_user: User, approver_user: User, rng: random.Random) -> int:
    manager = Actor(user=manager_user, council=council)
    approver = Actor(user=approver_user, council=council)
    if retention.seed_schedule(manager, council) == 0:
        return 0  # loaded before
    today = timezone.localdate()
    added = 0
    for n, (title, text) in enumerate(POLICIES):
        documents.add_document(
            manager,
            council,
            title=title,
            kind=Document.Kind.POLICY,
            record_class="POL",
            file_name=f"{title.lower().replace(' ', '-').replace(chr(39), '')}.docx",
            content=docx(title, text, f"Owner: {council.short_name} records management."),
            dated=today - timedelta(days=300 + 40 * n),
            # One is overdue and one due within the month: the "due for review" list has something.
            review_on=today + timedelta(days=[-10, 20, 200, 400, 700][n]),
            links=[f"policy:{council.slug}-policy-{n + 1}"],
        )
        added += 1
    added += _decisions(council, manager, rng, today)
    added += _service_documents(council, manager, rng, today)
    added += _disposal(council, manager, approver, today)
    return added


def _decisions(council: Council, manager: Actor, rng: random.Random, today: date) -> int:
    added = 0
    short_notice_done = called_in_done = False
    # A few decisions are about real services in the directory, so their pages show the golden thread.
    services = list(Service.objects.for_council(council).filter(is_published=True).order_by("name")[:3])
    for n, (title, subject, is_key) in enumerate(DECISION_TOPICS * 2):
        decided = today - timedelta(days=360 - n * 15)
        entry = None
        if is_key:
            notice = 20 if not short_notice_done and n > 2 else 35 + rng.randint(0, 20)
            short_notice_done = short_notice_done or notice < 29
            entry = decisions.add_forward_plan_entry(
                manager,
                council,
                title=title,
                maker="Cabinet",
                expected_on=decided,
                published_on=decided - timedelta(days=notice),
                summary=f"Key decision: {title.lower()}.",
            )
        year_part = "" if n < len(DECISION_TOPICS) else f" ({decided.year} review)"
        decision = decisions.record_decision(
            manager,
            council,
            title=title + year_part,
            decision=f"Cabinet agreed to {title[0].lower() + title[1:]}.",
            maker_kind="cabinet" if is_key or n % 3 else "officer",
            maker_name="Cabinet" if is_key or n % 3 else "Director of Adult Social Services",
            meeting=f"Cabinet, {decided:%-d %B %Y}" if is_key or n % 3 else "",
            decided_on=decided,
            is_key=is_key,
            forward_plan_entry=entry.reference if entry else "",
            reasons="The needs assessment and provider engagement showed this meets residents' needs best.",
            alternatives="Doing nothing; a shorter extension; bringing the service in house.",
            conflicts="None declared." if n % 4 else "Cllr Birch declared an interest and left the room.",
            votes=[(m, rng.choice(["for", "for", "for", "against", "abstained"])) for m in MEMBERS]
            if is_key or n % 3
            else [],
            links=[f"{subject}:{council.slug}-{subject}-{n % 6 + 1}"],
        )
        if n < len(services):
            decisions.link_decision(manager, decision, "service", str(services[n].pk))
        decision = decisions.publish_decision(manager, decision, published_on=decided + timedelta(days=1))
        if (
            decision.call_in_status == "open"
            and decision.call_in_deadline
            and decision.call_in_deadline < today
        ):
            if is_key and not called_in_done and n > 4:
                decisions.set_call_in(
                    manager,
                    decision,
                    "called_in",
                    "Called in by five members",
                    on=decided + timedelta(days=2),
                )
                decisions.set_call_in(
                    manager, decision, "confirmed", "Scrutiny committee confirmed the decision"
                )
                called_in_done = True
            else:
                decisions.set_call_in(manager, decision, "implementable")
        documents.add_document(
            manager,
            council,
            title=f"Report to Cabinet: {title.lower()}{year_part}",
            record_class="GOV-DEC",
            file_name="cabinet-report.pdf",
            content=_pdf(f"Report to Cabinet on {title.lower()}: evidence of need, options and costs"),
            dated=decided - timedelta(days=7),
            trigger_date=decided,
            links=[(LinkType.DECISION, str(decision.pk))],
        )
        added += 1
    for k in range(3):
        decisions.add_forward_plan_entry(
            manager,
            council,
            title=["Recommission supported living", "Adopt the carers' charter", "Extra care housing scheme"][
                k
            ],
            maker="Cabinet",
            expected_on=today + timedelta(days=40 + 20 * k),
            published_on=today - timedelta(days=2),
        )
    return added


def _service_documents(council: Council, manager: Actor, rng: random.Random, today: date) -> int:
    services = list(Service.objects.for_council(council).filter(is_published=True).order_by("name")[:12])
    for n, service in enumerate(services):
        links = [f"service:{service.pk}", f"provider:{service.organisation_id}"]
        contract = f"{council.slug}-contract-{n + 1:03d}"
        documents.add_document(
            manager,
            council,
            title=f"Service specification: {service.name}",
            record_class="SVC",
            file_name="specification.pdf",
            content=_pdf(f"Service specification for {service.name}: outcomes, hours and eligibility"),
            dated=today - timedelta(days=rng.randint(30, 700)),
            links=[*links, f"contract:{contract}"],
        )
        documents.add_document(
            manager,
            council,
            title=f"Quality visit report: {service.name}",
            record_class="PROV",
            file_name="quality-visit.pdf",
            content=_pdf(f"Quality visit to {service.name}: safe, caring, responsive; two actions agreed"),
            marking="official_sensitive" if n % 4 == 0 else "official",
            dated=today - timedelta(days=rng.randint(10, 300)),
            links=links,
        )
    return 2 * len(services)


def _disposal(council: Council, manager: Actor, approver: Actor, today: date) -> int:
    """Old routine letters past their two years; one is under a legal hold, so the completed run skips
    it and says why. Then an FOI request and a SAR, each with its hold."""
    letters = [
        documents.add_document(
            manager,
            council,
            title=f"Routine letter {n + 1}: bin collection enquiry",
            record_class="CORR",
            file_name="letter.pdf",
            content=_pdf(f"Routine correspondence number {n + 1} about a bin collection"),
            dated=today - timedelta(days=365 * 3 + 30 * n),
            links=["person:GR-1001"] if n == 0 else [],
        )
        for n in range(6)
    ]
    retention.place_hold(
        manager,
        council,
        title=f"Jones v {council.short_name} (personal injury claim)",
        reason="litigation",
        description="Keep everything about the claimant until the claim is settled.",
        documents=[letters[1].pk],
    )
    run = disposal.propose_disposal(manager, council, note="Routine correspondence past two years")
    disposal.approve_disposal(approver, run)
    requests.open_request(
        manager,
        council,
        kind="foi",
        received_on=today - timedelta(days=10),
        requester="A local journalist",
        summary="Spending on agency staff in adult social care, last three years",
    )
    requests.open_request(
        manager,
        council,
        kind="sar",
        received_on=today - timedelta(days=5),
        requester="Mr D Evans",
        summary="All records held about me by adult social care",
        link_type="person",
        link_id="GR-2002",
    )
    return len(letters)
