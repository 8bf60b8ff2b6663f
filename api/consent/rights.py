"""Loading the facts the policy decides on, once per request and patient.

This is the only place that turns database rows into `ViewerFacts` and `Rights`;
`policy.decide` then answers every question about them without I/O.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from api import clock
from api.consent.policy import Rights, ViewerFacts
from api.consent.sections import Profession
from api.identity.models import Guardianship, Patient, Professional
from api.identity.viewer import Viewer


def eighteenth_birthday(birth_date: date) -> datetime:
    try:
        day = birth_date.replace(year=birth_date.year + 18)
    except ValueError:  # born on 29 February
        day = date(birth_date.year + 18, 3, 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def load_viewer_facts(viewer: Viewer) -> ViewerFacts:
    professional = await Professional.filter(account_id=viewer.account_id).first()
    profession = Profession(professional.profession) if professional else None
    return ViewerFacts(account_id=viewer.account_id, professional=profession)


async def load_rights(viewer: Viewer, patient: Patient) -> Rights:
    """Everything that links this viewer to this patient, as of now."""
    representative_until = None
    if await Guardianship.exists(guardian_id=viewer.account_id, patient_id=patient.id):
        representative_until = eighteenth_birthday(patient.birth_date)
    return Rights(
        patient_id=patient.id,
        now=clock.now(),
        is_owner=patient.account_id is not None and patient.account_id == viewer.account_id,
        representative_until=representative_until,
    )
