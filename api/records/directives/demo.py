"""Demo directives for an adult: written wishes, a trusted person, a donation stance."""

from __future__ import annotations

from datetime import timedelta

from api import clock
from api.consent.rights import eighteenth_birthday
from api.identity.models import Patient
from api.records.directives.models import Directives, OrganDonation
from api.records.provenance import stamp_created

WISHES = (
    "Si je ne peux plus exprimer ma volonté et que mon état est sans espoir "
    "d'amélioration, je refuse tout acharnement thérapeutique : pas de réanimation "
    "prolongée ni d'alimentation artificielle. Je souhaite être soulagé(e) de la douleur, "
    "même si cela doit abréger ma vie, et rester chez moi si c'est possible."
)


async def load(patient: Patient, author_account_id: int) -> None:
    """Create the demo directives unless there are some. A minor gets none: advance
    directives and a trusted person are for adults."""
    if await Directives.exists(patient_id=patient.id):
        return
    now = clock.now()
    if now < eighteenth_birthday(patient.birth_date):
        return
    family = patient.used_name or patient.birth_name
    values = {
        "patient_id": patient.id,
        "advance_directives": WISHES,
        "trusted_person_name": f"Sam {family}",
        "trusted_person_relation": "conjoint(e)",
        "trusted_person_phone": "0612345678",
        "trusted_person_email": "confiance@demo.carnet.invalid",
        "organ_donation": OrganDonation.LIMITED if patient.id % 2 else OrganDonation.CONSENTS,
        "organ_donation_limits": "Pas les cornées." if patient.id % 2 else None,
        "last_confirmed_at": now - timedelta(days=90),
        "last_confirmed_by_id": author_account_id,
    }
    await Directives.create(**stamp_created(values, author_account_id))
