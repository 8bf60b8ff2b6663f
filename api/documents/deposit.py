"""Deposit without reading: a professional adds a document for a patient they found by INS
and birth date, through the opaque handle the lookup gave them.

The deposit reads nothing: the answer says only that it was done (not even the new
document, which the depositor may not read unless a relation lets them). The policy
decides on ``Action.DEPOSIT``; the document, its access event and the patient's notice
(the parents' too, for a minor) commit together.
"""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload
from tortoise.backends.base.client import BaseDBAsyncClient

from api import clock
from api.audit.log import audited_transaction, discard_writes
from api.consent.handles import patient_for_handle
from api.consent.models import Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_name,
    patient_recipients,
    professional_name,
)
from api.consent.sections import Action, Section
from api.documents.content import chunks_of, file_problem
from api.documents.problems import DocumentProblems
from api.documents.services import DocumentDetails, Transaction, add_document
from api.documents.storage import storage_for
from api.graphql.common import UserError
from api.graphql.context import Info
from api.graphql.errors import NotFound
from api.graphql.permissions import OUT_OF_REACH, authorize
from api.identity.models import Patient, Professional


@strawberry.input(description="A document deposited for a patient found with `findPatient`; "
                              "send it as a GraphQL multipart request.")
class DepositDocumentInput:
    patient_handle: strawberry.ID = strawberry.field(
        description="The `handle` that `findPatient` gave the viewer (valid one hour).")
    file: Upload = strawberry.field(description="A PDF, JPEG or PNG of at most 20 MB.")
    title: str | None = None
    type_code: str | None = strawberry.field(default=None, description="A LOINC document code.")
    document_date: date | None = None


@strawberry.type
class DepositDocumentPayload:
    deposited: bool
    user_errors: list[UserError]


def _noticed(info: Info, patient: Patient, professional: Professional,
             recipients: list[int]) -> Transaction:
    """The caller's audited transaction, which also tells the patient before it commits."""

    @asynccontextmanager
    async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
        async with audited_transaction(info.context) as connection:
            yield connection
            payload = {"patient": patient_name(patient),
                       "professional": professional_name(professional),
                       "profession": professional.profession}
            rows = notifications_for(recipients, patient, NotificationKind.DOCUMENT_DEPOSITED,
                                     payload, clock.now())
            if rows:
                await Notification.bulk_create(rows, using_db=connection)

    return transaction


async def deposit_document(info: Info, data: DepositDocumentInput) -> DepositDocumentPayload:
    viewer = info.context.require_viewer()
    language = info.context.language
    patient = await patient_for_handle(info.context.settings.secret_key, str(data.patient_handle),
                                       viewer.account_id)
    if patient is None:
        raise NotFound(OUT_OF_REACH)
    await authorize(info, patient, Section.DOCUMENTS, Action.DEPOSIT)
    upload: object = data.file
    if not isinstance(upload, UploadFile):
        discard_writes(info.context)
        return DepositDocumentPayload(
            deposited=False, user_errors=[file_problem("FILE_MISSING").user_error(language)])
    professional = await Professional.get(account_id=viewer.account_id)
    recipients = (await patient_recipients([patient], clock.now()))[patient.id]
    try:
        await add_document(
            storage_for(info.context.settings), patient_id=patient.id,
            author_account_id=viewer.account_id, content=chunks_of(upload),
            filename=upload.filename,
            details=DocumentDetails(data.title, data.type_code, data.document_date),
            language=language, transaction=_noticed(info, patient, professional, recipients),
        )
    except DocumentProblems as problems:
        discard_writes(info.context)
        return DepositDocumentPayload(deposited=False,
                                      user_errors=problems.user_errors(language))
    return DepositDocumentPayload(deposited=True, user_errors=[])
