"""The resident's finder: the page's own fields mapped onto the Open Referral query, so the page and
the API search the same way."""

from __future__ import annotations

from django.http import QueryDict

from civichub.core.errors import Refused
from civichub.directory.details import DAYS
from civichub.directory.oruk.query import ServiceQuery, parse_query

MILES = {"1": 1609, "3": 4828, "5": 8047, "10": 16093}
DAY_NAMES = dict(
    zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], strict=True)
)

# The API parameter a refusal names -> the finder's field it came from.
FIELD_OF_PARAMETER = {
    "minimum_age": "age",
    "maximum_age": "age",
    "postcode": "postcode",
    "proximity": "postcode",
    "day": "day",
    "taxonomy_term_id": "category",
    "page": "page",
}
FRIENDLY = {
    "age": "Enter an age in whole years, from 0 to 130",
    "category": "Choose a category from the list",
    "day": "Choose a day from the list",
    "page": "That page of results does not exist",
}


def to_query(params: QueryDict) -> ServiceQuery:
    """Read the finder's fields (q, postcode, miles, age, day, category, page) into a service query;
    refused naming the finder's own field, in the page's words."""
    api = QueryDict(mutable=True)
    get = lambda name: str(params.get(name) or "")  # noqa: E731
    if get("q"):
        api["text"] = get("q")
    if get("postcode"):
        api["postcode"] = get("postcode")
        miles = params.get("miles", "3")
        if miles not in MILES:
            raise Refused.on("miles", "Choose a distance from the list")
        api["proximity"] = str(MILES[miles])
    if get("age"):
        api["minimum_age"] = api["maximum_age"] = get("age")
    for field, name in (("day", "day"), ("category", "taxonomy_term_id"), ("page", "page")):
        if get(field):
            api[name] = get(field)
    try:
        return parse_query(api)
    except Refused as exc:
        field = FIELD_OF_PARAMETER.get(exc.field or "", "q")
        raise Refused.on(field, FRIENDLY.get(field, exc.message)) from exc
