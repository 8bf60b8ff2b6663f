"""The searchable form of names and cities."""

from __future__ import annotations

import pytest

from api.identity.normalise import search_text, search_words


@pytest.mark.parametrize(("typed", "stored"), [
    ("Éloïse", "eloise"),
    ("  LEFÈVRE-Ségolène ", "lefevre segolene"),
    ("D'Arcy", "d arcy"),
    ("Œuvray Straße", "oeuvray strasse"),
    ("SAINT-ÉTIENNE", "saint etienne"),
    ("Ñúñez", "nunez"),
    ("", ""),
])
def test_names_are_stored_lowercase_without_accents(typed: str, stored: str) -> None:
    assert search_text(typed) == stored


def test_punctuation_never_reaches_a_like_pattern() -> None:
    assert search_words("%_ab*c") == ["ab", "c"]
