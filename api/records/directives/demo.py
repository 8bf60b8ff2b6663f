"""Demo directives: each adult demo person's trusted person, wishes and donation stance.

Camille, at 31, named her sister as trusted person and agrees to organ donation, without
written wishes; Jean and Paule wrote advance directives, named their wife and daughter, and
gave their stance on donation. Léo, a minor, has none: advance directives and a trusted
person are for adults (``api.consent.ages``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api import clock
from api.identity import demo as people
from api.identity.models import Patient
from api.records.directives.models import Directives, OrganDonation
from api.records.provenance import stamp_created

WISHES = (
    "Si je ne peux plus exprimer ma volonté et que mon état est sans espoir "
    "d'amélioration, je refuse tout acharnement thérapeutique : pas de réanimation "
    "prolongée ni d'alimentation artificielle. Je souhaite être soulagé(e) de la douleur, "
    "même si cela doit abréger ma vie, et rester chez moi si c'est possible."
)

STORIES: dict[str, dict[str, Any]] = {
    people.CAMILLE: {
        "trusted_person_name": "Julie MARTIN", "trusted_person_relation": "sœur",
        "trusted_person_phone": "0612345678",
        "trusted_person_email": "julie.martin@demo.carnet.invalid",
        "organ_donation": OrganDonation.CONSENTS,
    },
    people.JEAN: {
        "advance_directives": WISHES,
        "trusted_person_name": "Monique DUPONT", "trusted_person_relation": "épouse",
        "trusted_person_phone": "0478123456",
        "trusted_person_email": "monique.dupont@demo.carnet.invalid",
        "organ_donation": OrganDonation.CONSENTS,
    },
    people.PAULE: {
        "advance_directives": WISHES + " Je souhaite que ma fille Isabelle soit consultée "
                                       "pour toute décision.",
        "trusted_person_name": "Isabelle ORSINI", "trusted_person_relation": "fille",
        "trusted_person_phone": "0695123478",
        "trusted_person_email": "isabelle.orsini@demo.carnet.invalid",
        "organ_donation": OrganDonation.LIMITED,
        "organ_donation_limits": "Pas les cornées.",
    },
}


async def load(patient: Patient, keeper_account_id: int) -> bool:
    """Create a demo adult's directives unless there are some; whether they were created."""
    story = STORIES.get(patient.ins_nir)
    if story is None or await Directives.exists(patient_id=patient.id):
        return False
    now = clock.now()
    values = {**story, "patient_id": patient.id,
              "last_confirmed_at": now - timedelta(days=90),
              "last_confirmed_by_id": keeper_account_id}
    await Directives.create(**stamp_created(values, keeper_account_id))
    return True
