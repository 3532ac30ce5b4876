"""Small sets of source records with a known truth, for the tests, the access walk and the demo:
each person held by two or three systems, with the slips real systems make (a nickname, a typo, day and
month swapped, a missing NHS number, a move), placed on a council's real postcodes.

Not the engine's accuracy generator (`synthetic`): a few dozen people, written so a reader can see why
each pair should or should not link."""

from __future__ import annotations

import random
from datetime import date, timedelta

from civichub.people.checks import nhs_number_valid

FIRST = [
    "Margaret",
    "William",
    "Aisha",
    "Oliver",
    "Amelia",
    "Robert",
    "Elizabeth",
    "James",
    "Fatima",
    "Thomas",
    "Jessica",
    "Daniel",
    "Chloe",
    "Mohammed",
    "Sophie",
    "Harry",
    "Grace",
    "Jack",
    "Emily",
    "George",
]
NICKNAMES = {
    "Margaret": "Peggy",
    "William": "Bill",
    "Robert": "Bob",
    "Elizabeth": "Liz",
    "James": "Jim",
    "Thomas": "Tom",
    "Jessica": "Jess",
    "Daniel": "Dan",
    "Harry": "Hal",
}
SURNAMES = [
    "Hughes",
    "Turner",
    "Khan",
    "Price",
    "Walsh",
    "Ashworth",
    "Hodgson",
    "Begum",
    "Fairclough",
    "Okafor",
    "Lowe",
    "Marsden",
    "Ramsbottom",
    "Hindley",
    "Patel",
    "Nuttall",
    "Whittle",
    "Sharples",
    "Unsworth",
    "Leigh",
]
STREETS = ["Mill Lane", "Church Road", "Station Road", "Elm Close", "Wigan Lane", "Park Avenue", "Moor Road"]
SYSTEMS = ["council-tax", "adult-social-care", "housing"]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = "".join(str(rng.randint(0, 9)) for _ in range(9))
        for check in range(10):
            if nhs_number_valid(digits + str(check)):
                return digits + str(check)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def people_records(
    postcodes: list[str], people: int = 30, seed: int = 7, *, twins: bool = False
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """(rows of the import's columns, {source_system:record_id: the true person's number}). With
    twins, every tenth person has a twin in council tax: same surname, birthday and address, another
    first name and no NHS number: the pairs a reviewer must decide."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    truth: dict[str, int] = {}
    for n in range(people):
        first, surname = FIRST[n % len(FIRST)], SURNAMES[(n * 7) % len(SURNAMES)]
        born = date(1935, 1, 1) + timedelta(days=rng.randint(0, 30000))
        postcode = postcodes[n % len(postcodes)]
        address = f"{rng.randint(1, 200)} {rng.choice(STREETS)}"
        nhs = nhs_number(rng)
        sex = "F" if n % 2 else "M"
        for k, system in enumerate(SYSTEMS[: 2 + n % 2]):
            row = {
                "record_id": f"{system[:2].upper()}-{n:05d}",
                "source_system": system,
                "first_name": first,
                "surname": surname,
                "sex": sex,
                "date_of_birth": born.isoformat(),
                "address_line": address,
                "postcode": postcode,
                "nhs_number": nhs,
                "service": "home-care" if system == "adult-social-care" else "",
            }
            if k == 1:  # the second system's clerk: a slip or two, and often no NHS number
                slip = n % 4
                if slip == 0 and first in NICKNAMES:
                    row["first_name"] = NICKNAMES[first]
                elif slip == 1:
                    row["surname"] = _typo(rng, surname)
                elif slip == 2 and born.day <= 12:
                    row["date_of_birth"] = date(born.year, born.day, born.month).isoformat()
                if n % 3:
                    row["nhs_number"] = ""
            if k == 2:  # the third system: they have moved
                row["postcode"] = postcodes[(n + 5) % len(postcodes)]
                row["address_line"] = f"{rng.randint(1, 200)} {rng.choice(STREETS)}"
            rows.append(row)
            truth[f"{system}:{row['record_id']}"] = n
        if twins and n % 10 == 0:
            first_row = rows[-(2 + n % 2)]
            twin = dict(first_row, record_id=f"CO-{n:05d}T", first_name=FIRST[(n + 3) % len(FIRST)])
            twin.update(source_system="council-tax", nhs_number="", service="")
            rows.append(twin)
            truth[f"council-tax:{twin['record_id']}"] = people + n
    return rows, truth


def as_csv(rows: list[dict[str, str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
