"""The one way a person's name is shown: on the model, used by the API, mails and the history."""

from __future__ import annotations

import pytest

from api.identity.models import Patient, Professional


@pytest.mark.parametrize(("first_names", "birth_name", "used_name", "shown"), [
    ("Marie Claire", "Dupont", None, "Marie Dupont"),
    ("Marie", "Dupont", "Martin", "Marie Martin"),
    ("", "Dupont", None, "Dupont"),
])
def test_a_record_shows_the_first_given_name_and_the_used_name(
        first_names: str, birth_name: str, used_name: str | None, shown: str) -> None:
    patient = Patient(first_names=first_names, birth_name=birth_name, used_name=used_name)
    assert patient.display_name == shown


def test_a_professional_shows_first_then_last_name() -> None:
    assert Professional(first_name="Paul", last_name="Durand").display_name == "Paul Durand"
