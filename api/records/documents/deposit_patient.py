"""Who a deposit is for: the patient named by exactly one of three references.

- ``patientHandle``: the handle ``findPatient`` gave the viewer (INS and birth date);
- ``patientTraits``: the INS and every identity trait, as practice software knows them;
- ``patientId``: a record the viewer already has a relation to (their workspace links it).

A wrong reference says nothing about anyone: a handle or an id out of reach is NOT_FOUND,
traits that match nobody (unknown INS or any trait different) are one user error, in the
same words whether the INS exists or not, counted as a missed lookup.
"""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import strawberry

from api.consent.handles import patient_for_handle
from api.consent.lookup import find_patient_by_traits
from api.consent.permissions import OUT_OF_REACH, reach, refuse
from api.consent.sections import Action, Section
from api.graphql.common import UserError, parse_id
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.identity.invitations import IdentityTraits
from api.identity.models import Patient
from api.texts import N_, text

MESSAGES: dict[str, str] = {
    "ONE_PATIENT_REFERENCE": N_("Name the patient in exactly one way: patientHandle (from "
                                "findPatient), patientTraits (INS and identity traits) or "
                                "patientId (a record you follow)."),
    "IDENTITY_MISMATCH": N_("No patient matches this INS and these identity traits. Check the "
                            "INS, the birth name and first names, the birth date and place, and "
                            "the sex, as the INS register gives them."),
    "TRAIT_INVALID": N_("This identity trait is not valid: non-empty names, sex F, M or U, "
                        "birthplace as a 5-character INSEE code, a birth date in the past."),
}
# IdentityTraits problem -> the input field at fault.
_TRAIT_FIELDS = {
    "birth_name_required": "patientTraits.birthName",
    "first_names_required": "patientTraits.firstNames",
    "birth_date_in_future": "patientTraits.birthDate",
    "sex_invalid": "patientTraits.sex",
    "birthplace_invalid": "patientTraits.birthplaceInsee",
}


@strawberry.input(description="The patient as practice software knows them: the INS and "
                               "every identity trait of the INS register.")
class PatientTraitsInput:
    ins: str = strawberry.field(description="The 13-character NIR and its 2-digit key.")
    birth_name: str = strawberry.field(description="Accents, case, hyphens and apostrophes "
                                                   "are ignored in the comparison.")
    first_names: str = strawberry.field(description="Every birth first name, in order, "
                                                    "space separated.")
    birth_date: date
    sex: str = strawberry.field(description="F, M or U.")
    birthplace_insee: str = strawberry.field(description="The INSEE code of the birthplace "
                                                         "(99xxx abroad).")

    def traits(self) -> IdentityTraits:
        return IdentityTraits(birth_name=self.birth_name, first_names=self.first_names,
                              birth_date=self.birth_date, sex=self.sex.strip().upper(),
                              birthplace_insee=self.birthplace_insee.strip().upper())


@dataclass(frozen=True)
class PatientReference:
    handle: strawberry.ID | None
    traits: PatientTraitsInput | None
    patient_id: strawberry.ID | None


def user_error(code: str, field: str | None, language: str) -> UserError:
    return UserError(field=field, code=code, message=text(language, MESSAGES[code]))


async def deposit_patient(info: Info, reference: PatientReference
                          ) -> tuple[Patient | None, list[UserError]]:
    """The patient the deposit is for, or the user errors saying why none was found.

    Raises NOT_FOUND for a handle or id out of reach (CONSENT_REQUIRED for a relation that
    ended), TOO_MANY_LOOKUPS once the lookup throttle is reached, BAD_INS for a malformed INS.
    """
    language = info.context.language
    given = [r for r in (reference.handle, reference.traits, reference.patient_id)
             if r is not None]
    if len(given) != 1:
        return None, [user_error("ONE_PATIENT_REFERENCE", None, language)]
    viewer = info.context.require_viewer()
    if reference.handle is not None:
        patient = await patient_for_handle(info.context.settings.secret_key,
                                           str(reference.handle), viewer.account_id)
        if patient is None:
            raise NotFound(OUT_OF_REACH)
        return patient, []
    if reference.traits is not None:
        traits = reference.traits.traits()
        problems = traits.problems()
        if problems:
            return None, [user_error("TRAIT_INVALID", _TRAIT_FIELDS[p], language)
                          for p in problems]
        found = await find_patient_by_traits(info, reference.traits.ins, traits)
        if found is None:
            return None, [user_error("IDENTITY_MISMATCH", "patientTraits", language)]
        return found, []
    assert reference.patient_id is not None
    patient = await Patient.get_or_none(id=parse_id(reference.patient_id, "patientId"))
    if patient is None:
        raise NotFound(OUT_OF_REACH)
    # By id only with a relation to the record: a deposit alone opens nothing.
    reached = await reach(info, patient)
    if not reached.allowed:
        raise refuse(reached, Section.DOCUMENTS, Action.DEPOSIT)
    return patient, []
