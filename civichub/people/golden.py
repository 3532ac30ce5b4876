"""Golden records from scored pairs: clustering that obeys the reviewers, and the facts of each person.

Splink's own clustering (connected components) cannot be told that two records must never be one
person, so the database runs cluster here: must-links first (accepted pairs and merges by hand), then
every pair at or above the link threshold, strongest first, each joining two clusters unless that would
put a rejected pair together. A rejected pair is never in one cluster, however strong the chain of
other pairs between them; an accepted pair always is (unless it contradicts an earlier decision).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any


class Clusters:
    """Union-find over record ids, with the pairs that may never be joined."""

    def __init__(self, ids: Iterable[str], cannot: Iterable[tuple[str, str]] = ()):
        self.parent: dict[str, str] = {i: i for i in ids}
        self.members: dict[str, set[str]] = {i: {i} for i in self.parent}
        self.cannot: dict[str, set[str]] = {}
        for a, b in cannot:
            if a in self.parent and b in self.parent:
                self.cannot.setdefault(a, set()).add(b)
                self.cannot.setdefault(b, set()).add(a)

    def find(self, i: str) -> str:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:  # path compression
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: str, b: str) -> bool:
        """Join a's cluster and b's unless a rejected pair would end up together; whether they joined."""
        if a not in self.parent or b not in self.parent:
            return False
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        forbidden = set().union(*(self.cannot.get(m, set()) for m in self.members[small]))
        if forbidden & self.members[large]:
            return False
        self.parent[small] = large
        self.members[large] |= self.members.pop(small)
        return True

    def groups(self) -> list[list[str]]:
        return [sorted(m) for m in self.members.values()]


def cluster(
    ids: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    *,
    link_from: float,
    must: Iterable[tuple[str, str]] = (),
    cannot: Iterable[tuple[str, str]] = (),
) -> list[list[str]]:
    """Clusters of record ids from (id, id, match weight) pairs, obeying must- and cannot-links."""
    found = Clusters(ids, cannot)
    for a, b in must:
        found.join(a, b)
    for a, b, weight in sorted(pairs, key=lambda p: -p[2]):
        if weight >= link_from:
            found.join(a, b)
    return found.groups()


def best_facts(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A golden record's facts: for each, the most recently updated record that has it. A postcode the
    platform holds beats one it does not (a flagged postcode places no one)."""
    newest = sorted(records, key=lambda r: r["updated_at"], reverse=True)
    facts: dict[str, Any] = {"first_name": "", "surname": "", "date_of_birth": None, "postcode": ""}
    for name in ("first_name", "surname", "date_of_birth"):
        facts[name] = next((r[name] for r in newest if r[name]), facts[name])
    placed = [r for r in newest if r["postcode"] and not r["postcode_not_held"]]
    facts["postcode"] = next((r["postcode"] for r in placed or newest if r["postcode"]), "")
    return facts


def weight_histogram(weights: Iterable[float]) -> dict[str, int]:
    """{whole match weight: pairs}, for the quality page."""
    bins: dict[str, int] = {}
    for weight in weights:
        key = str(int(weight // 1))
        bins[key] = bins.get(key, 0) + 1
    return dict(sorted(bins.items(), key=lambda kv: int(kv[0])))


def as_of(born: date | None) -> str | None:
    return born.isoformat() if born else None
