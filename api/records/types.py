"""The Patient type: one field per section of the record."""

from __future__ import annotations

import strawberry

from api.identity import models
from api.identity.types import IdentityType


@strawberry.type(name="Patient", description="A person's health record.")
class PatientType:
    id: strawberry.ID
    display_name: str
    _model: strawberry.Private[models.Patient]

    @strawberry.field(description="Identity traits (INS) and contacts.")
    def identity(self) -> IdentityType:
        return IdentityType.from_model(self._model)

    @classmethod
    def from_model(cls, patient: models.Patient) -> PatientType:
        first = patient.first_names.split(" ")[0] if patient.first_names else ""
        name = patient.used_name or patient.birth_name
        return cls(id=strawberry.ID(str(patient.id)), display_name=f"{first} {name}".strip(),
                   _model=patient)
