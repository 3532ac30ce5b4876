"""Postcodes however people type them: property tests of normalisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from civichub.places.postcodes import normalise_postcode

letters = st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ")
digits = st.sampled_from("0123456789")
outward = st.one_of(
    st.tuples(letters, digits).map("".join),
    st.tuples(letters, digits, digits).map("".join),
    st.tuples(letters, letters, digits).map("".join),
    st.tuples(letters, letters, digits, digits).map("".join),
    st.tuples(letters, letters, digits, letters).map("".join),
)
inward = st.tuples(digits, letters, letters).map("".join)


@given(outward, inward, st.sampled_from(["", " ", "  ", "\t"]), st.booleans())
def test_any_spacing_or_case_gives_the_same_postcode(out: str, inw: str, gap: str, lower: bool) -> None:
    typed = f"{out}{gap}{inw}"
    typed = typed.lower() if lower else typed
    assert normalise_postcode(typed) == f"{out} {inw}"
    assert normalise_postcode(f"  {typed}  ") == f"{out} {inw}"


@given(st.text(max_size=12))
def test_normalising_is_idempotent_and_never_invents_a_postcode(text: str) -> None:
    normal = normalise_postcode(text)
    if normal is not None:
        assert normalise_postcode(normal) == normal
        assert normal.replace(" ", "") == "".join(text.split()).upper()
