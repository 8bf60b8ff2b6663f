"""GraphQL types of the viewer and the people behind accounts."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api.identity import models
from api.texts import DEFAULT_LANGUAGE


@strawberry.enum(name="Role")
class RoleType(Enum):
    PATIENT = "patient"
    PROFESSIONAL = "professional"


@strawberry.enum(name="AccountStatus")
class AccountStatusType(Enum):
    PENDING = "pending"
    ACTIVE = "active"
    OPPOSED = "opposed"
    CLOSED = "closed"


@strawberry.enum(name="SecondFactor")
class SecondFactorType(Enum):
    TOTP = "totp"
    EMAIL = "email"


@strawberry.type(name="Account", description="The signed-in person's account.")
class AccountType:
    email: str | None
    role: RoleType
    status: AccountStatusType
    second_factor: SecondFactorType
    language: str

    @classmethod
    def from_model(cls, account: models.Account) -> AccountType:
        return cls(
            email=account.email,
            role=RoleType(account.role.value),
            status=AccountStatusType(account.status.value),
            second_factor=SecondFactorType(account.second_factor.value),
            language=account.language or DEFAULT_LANGUAGE,
        )


@strawberry.type(name="Professional", description="A health professional from the directory.")
class ProfessionalType:
    id: strawberry.ID
    rpps: str
    last_name: str
    first_name: str
    profession: str
    specialty: str
    practice_name: str
    practice_city: str
    on_carnet: bool = strawberry.field(
        description="Whether the professional has a Carnet account: only they can be granted "
        "access or designated treating doctor.")

    @classmethod
    def from_model(cls, pro: models.Professional) -> ProfessionalType:
        return cls(
            id=strawberry.ID(str(pro.id)),
            rpps=pro.rpps,
            last_name=pro.last_name,
            first_name=pro.first_name,
            profession=pro.profession,
            specialty=pro.specialty,
            practice_name=pro.practice_name,
            practice_city=pro.practice_city,
            on_carnet=pro.account_id is not None,
        )


@strawberry.type(name="Identity", description="Identity traits of the INS and contacts.")
class IdentityType:
    ins_nir: str
    ins_key: str
    birth_name: str
    first_names: str
    used_name: str | None
    birth_date: date
    sex: str
    birthplace_insee: str
    phone: str | None
    contact_email: str | None

    @classmethod
    def from_model(cls, patient: models.Patient) -> IdentityType:
        return cls(
            ins_nir=patient.ins_nir,
            ins_key=patient.ins_key,
            birth_name=patient.birth_name,
            first_names=patient.first_names,
            used_name=patient.used_name,
            birth_date=patient.birth_date,
            sex=patient.sex,
            birthplace_insee=patient.birthplace_insee,
            phone=patient.phone,
            contact_email=patient.contact_email,
        )
