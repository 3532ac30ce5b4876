"""The resident's finder: the page's own fields mapped onto the Open Referral query, so the page and
the API search the same way."""

from __future__ import annotations

from django.http import QueryDict

from civichub.directory.selectors import DAYS, BadQuery, ServiceQuery, parse_query

MILES = {"1": 1609, "3": 4828, "5": 8047, "10": 16093}
DAY_NAMES = dict(
    zip(DAYS, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], strict=True)
)


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


class FinderError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def to_query(params: QueryDict) -> ServiceQuery:
    """Read the finder's fields (q, postcode, miles, age, day, category, page) into a service query."""
    api = QueryDict(mutable=True)
    get = lambda name: str(params.get(name) or "")  # noqa: E731
    if get("q"):
        api["text"] = get("q")
    if get("postcode"):
        api["postcode"] = get("postcode")
        miles = params.get("miles", "3")
        if miles not in MILES:
            raise FinderError("miles", "Choose a distance from the list")
        api["proximity"] = str(MILES[miles])
    if get("age"):
        api["minimum_age"] = api["maximum_age"] = get("age")
    for field, name in (("day", "day"), ("category", "taxonomy_term_id"), ("page", "page")):
        if get(field):
            api[name] = get(field)
    try:
        return parse_query(api)
    except BadQuery as exc:
        # parse_query's messages start with the API parameter's name: say it in the page's words.
        parameter = str(exc).split(" ")[0].rstrip(":")
        field = FIELD_OF_PARAMETER.get(parameter, "q")
        raise FinderError(field, FRIENDLY.get(field, str(exc).removeprefix("postcode: "))) from exc
