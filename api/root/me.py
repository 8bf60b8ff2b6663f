"""`me`: the signed-in viewer, their own record and the records they manage."""

from __future__ import annotations

import strawberry

from api.graphql.context import Info
from api.identity import models
from api.identity.types import AccountType, ProfessionalType
from api.records.types import (
    ManagedRecordType,
    PatientType,
    managed_records,
    represented_records,
)


@strawberry.type(name="Me", description="The signed-in viewer.")
class MeType:
    account: AccountType
    patient: PatientType | None = strawberry.field(description="The viewer's own record.")
    professional: ProfessionalType | None = strawberry.field(
        description="The viewer's professional profile, for a professional."
    )
    represented: list[PatientType] = strawberry.field(
        description="Records the viewer manages as a legal representative (their children "
                    "under 18: a child leaves this list on their 18th birthday). Reading "
                    "their fields is an access to those records, in their access history."
    )
    managed_records: list[ManagedRecordType] = strawberry.field(
        description="The same records, named for the person's own navigation (switching "
                    "records): not an access to them. Empty for an app, which reads "
                    "`represented` under its own name."
    )


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The signed-in viewer, or null when nobody is signed in.")
    async def me(self, info: Info) -> MeType | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        account = viewer.account
        patient = await models.Patient.filter(account_id=account.id).first()
        professional = await models.Professional.filter(account_id=account.id).first()
        children = await models.Patient.filter(guardians__guardian_id=account.id).order_by("id")
        account_type = AccountType.from_model(account)
        app = info.context.app
        if app is not None:
            # An app sees only the record it was connected to, and the person's e-mail
            # address only with the identity scope.
            if app.patient_id is not None:
                patient = patient if patient is not None and patient.id == app.patient_id else None
                children = [child for child in children if child.id == app.patient_id]
            if "identity.read" not in app.scopes:
                account_type.email = None
        return MeType(
            account=account_type,
            patient=PatientType.from_model(patient) if patient else None,
            professional=ProfessionalType.from_model(professional) if professional else None,
            represented=await represented_records(info, list(children)),
            managed_records=[] if app is not None else await managed_records(info,
                                                                              list(children)),
        )
