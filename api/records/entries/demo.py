"""Demo entries: each demo person's own history, allergies, treatments and vaccinations.

Camille (31) has asthma since childhood and a penicillin allergy, and takes iron; her son
Léo (11) has asthma too and the childhood vaccinations of the 2013 calendar; Jean (68)
has hypertension, atrial fibrillation under an anticoagulant, and a statin; Paule (73)
has type 2 diabetes, osteoporosis, and came off a sulfonylurea after a hypoglycaemia that
took her to the emergency department. Conditions carry ICD-10 codes and vaccinations the
codes of ``api/interop/data/vaccines.tsv``; every entry goes through the API's validation.

Ages and dates follow each person's birth date and today, so nothing lies in the future.
The record's keeper (the patient, or the parent of a child) wrote most entries when they
opened their record, or when the thing happened since; an entry with ``by`` was written by
that professional, at the moment the shared story gives (``api.identity.demo``), so the
record shows « Ajouté par Dr … ».
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from api import clock
from api.identity import demo as people
from api.identity.models import Patient
from api.records.entries import demo_stories, validation
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.entries.validation import Values
from api.records.provenance import stamp_created

Cleaner = Callable[[Values, date | None], tuple[Values, list[Any]]]
SECTIONS: tuple[tuple[str, type[Any], Cleaner], ...] = (
    ("history", HistoryEntry, validation.clean_history),
    ("allergies", Allergy, validation.clean_allergy),
    ("treatments", Treatment, validation.clean_treatment),
    ("vaccinations", Vaccination, validation.clean_vaccination),
)
STORIES: dict[str, Callable[[date, date], demo_stories.Story]] = {
    people.CAMILLE: demo_stories.camille, people.LEO: demo_stories.leo,
    people.JEAN: demo_stories.jean, people.PAULE: demo_stories.paule,
}
_DATE_FIELDS = ("onset_date", "start_date", "date")


def _written(values: Values, now: datetime) -> datetime:
    """When the keeper wrote an entry: on opening the record, or the evening it happened."""
    joined = now - timedelta(days=people.JOINED_DAYS_AGO)
    happened = next((values[key] for key in _DATE_FIELDS if values.get(key)), None)
    if happened is None:
        return joined
    evening = datetime.combine(happened, time(18, 30), tzinfo=UTC)
    return min(max(joined, evening), now - timedelta(hours=1))


async def load(patient: Patient, keeper_account_id: int) -> int:
    """Fill the four sections of a demo person's record; how many entries were added.

    Nothing for anyone else, nor for a record that already has entries (so running the
    demo twice adds nothing)."""
    story = STORIES.get(patient.ins_nir)
    if story is None:
        return 0
    for _, model, _ in SECTIONS:
        if await model.exists(patient_id=patient.id):
            return 0
    now = clock.now()
    sections = story(patient.birth_date, validation.today())
    authors = await people.professional_accounts(*{
        entry["by"] for entries in sections.values() for entry in entries if "by" in entry})
    added = 0
    async with in_transaction():
        for name, model, clean in SECTIONS:
            rows = []
            for entry in sections.get(name, []):
                values = {k: v for k, v in entry.items() if k not in ("by", "written")}
                cleaned, problems = clean(values, patient.birth_date)
                if problems:
                    raise ValueError(f"invalid demo entry {values}: {problems}")
                author, written = keeper_account_id, _written(values, now)
                if "by" in entry:  # a professional's entry, at the moment of their visit
                    if entry["by"] not in authors:
                        continue
                    author, written = authors[entry["by"]], people.moment(now, entry["written"])
                with clock.frozen_at(written):
                    stamped = stamp_created({**cleaned, "patient_id": patient.id}, author)
                rows.append(model(**stamped))
            await model.bulk_create(rows)
            added += len(rows)
    return added
