"""Document mutations: upload (GraphQL multipart request), rename or retype, remove."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import authorized_patient
from api.consent.sections import Action, Section
from api.graphql.common import UserError
from api.graphql.context import Info
from api.records.documents.content import chunks_of, file_problem
from api.records.documents.deposit import (
    DepositDocumentInput,
    DepositDocumentPayload,
    deposit_document,
)
from api.records.documents.deposits import (
    ReleaseHeldBackDocumentPayload,
    release_held_back_document,
)
from api.records.documents.messages import DocumentProblems
from api.records.documents.queries import find_document
from api.records.documents.services import (
    DocumentDetails,
    add_document,
    remove_document,
    update_document,
)
from api.records.documents.storage import storage_for
from api.records.documents.types import DocumentType
from api.sync.idempotency import Claim, IdempotencyKeyArgument, claim_for, once


@strawberry.input(description="A new document; send it as a GraphQL multipart request.")
class UploadDocumentInput:
    patient_id: strawberry.ID
    file: Upload = strawberry.field(description="A PDF, JPEG or PNG of at most 20 MB.")
    title: str | None = strawberry.field(
        default=None, description="Defaults to the file name without its extension."
    )
    type_code: str | None = strawberry.field(
        default=None, description="A LOINC document code; 51855-5 (patient document) if absent."
    )
    document_date: date | None = strawberry.field(
        default=None, description="The date of the document (not in the future); today if absent."
    )


@strawberry.type
class UploadDocumentPayload:
    document: DocumentType | None
    user_errors: list[UserError]


@strawberry.input(description="What to change in a document; absent fields stay as they are.")
class UpdateDocumentInput:
    id: strawberry.ID
    title: str | None = None
    type_code: str | None = strawberry.field(default=None, description="A LOINC document code.")
    document_date: date | None = None


@strawberry.type
class UpdateDocumentPayload:
    document: DocumentType | None
    user_errors: list[UserError]


@strawberry.type
class RemoveDocumentPayload:
    removed_id: strawberry.ID | None
    user_errors: list[UserError]


async def _upload_values(input: UploadDocumentInput, upload: UploadFile) -> dict[str, Any]:
    """What the client asked to add, the file's bytes included (read, then rewound)."""
    digest = hashlib.sha256()
    async for chunk in chunks_of(upload):
        digest.update(chunk)
    await upload.seek(0)
    return {"patient_id": str(input.patient_id), "file": digest.hexdigest(),
            "filename": upload.filename, "title": input.title, "type_code": input.type_code,
            "document_date": input.document_date}


@strawberry.type
class DocumentsMutation:
    @strawberry.mutation(description="Deposit a document for a patient found with `findPatient` "
                         "(its handle), named by INS and identity traits, or followed by the "
                         "viewer (its id): any professional may, without reading the record. "
                         "The patient is told (when it shows, if held back) and may hide or "
                         "delete it.")
    async def deposit_document(self, info: Info, input: DepositDocumentInput,
                               idempotency_key: IdempotencyKeyArgument = None
                               ) -> DepositDocumentPayload:
        return await deposit_document(info, input, idempotency_key)

    @strawberry.mutation(description="Show the patient a document the viewer deposited held "
                         "back, once they have seen the patient; the patient is told.")
    async def release_held_back_document(self, info: Info, document_id: strawberry.ID
                                         ) -> ReleaseHeldBackDocumentPayload:
        return await release_held_back_document(info, document_id)

    @strawberry.mutation(description="Add a document to a record (multipart request, 20 MB max).")
    async def upload_document(self, info: Info, input: UploadDocumentInput,
                              idempotency_key: IdempotencyKeyArgument = None
                              ) -> UploadDocumentPayload:
        viewer = info.context.require_viewer()
        language = info.context.language
        upload: object = input.file
        claim = None
        if idempotency_key is not None and isinstance(upload, UploadFile):
            claim = claim_for(info, idempotency_key, "uploadDocument",
                              await _upload_values(input, upload))
        patient = await authorized_patient(info, input.patient_id, Section.DOCUMENTS,
                                           Action.WRITE)
        if not isinstance(upload, UploadFile):
            discard_writes(info.context)
            return UploadDocumentPayload(
                document=None, user_errors=[file_problem("FILE_MISSING").user_error(language)])
        file = upload

        async def write(claim: Claim | None) -> UploadDocumentPayload:
            await file.seek(0)  # a second attempt reads the file again
            try:
                document = await add_document(
                    storage_for(info.context.settings), patient_id=patient.id,
                    author_account_id=viewer.account_id, content=chunks_of(file),
                    filename=file.filename,
                    details=DocumentDetails(input.title, input.type_code, input.document_date),
                    language=language, transaction=lambda: audited_transaction(info.context),
                    claim=claim,
                )
            except DocumentProblems as problems:
                discard_writes(info.context)
                return UploadDocumentPayload(document=None,
                                             user_errors=problems.user_errors(language))
            return UploadDocumentPayload(document=DocumentType.from_model(document, language),
                                         user_errors=[])

        async def replay(document_id: int) -> UploadDocumentPayload:
            document = await find_document(info, strawberry.ID(str(document_id)), Action.READ)
            return UploadDocumentPayload(document=DocumentType.from_model(document, language),
                                         user_errors=[])

        return await once(info.context, claim, write, replay)

    @strawberry.mutation(description="Rename, retype or re-date a document.")
    async def update_document(self, info: Info, input: UpdateDocumentInput
                              ) -> UpdateDocumentPayload:
        viewer = info.context.require_viewer()
        language = info.context.language
        document = await find_document(info, input.id, Action.WRITE)
        details = DocumentDetails(input.title, input.type_code, input.document_date)
        try:
            # Problems are raised before anything is written: the transaction and the
            # noted write are dropped with them.
            async with audited_transaction(info.context) as connection:
                await update_document(document, details, viewer.account_id, connection)
        except DocumentProblems as problems:
            return UpdateDocumentPayload(document=None, user_errors=problems.user_errors(language))
        return UpdateDocumentPayload(document=DocumentType.from_model(document, language),
                                     user_errors=[])

    @strawberry.mutation(description="Remove a document and its file from the record.")
    async def remove_document(self, info: Info, id: strawberry.ID) -> RemoveDocumentPayload:
        document = await find_document(info, id, Action.WRITE)
        await remove_document(storage_for(info.context.settings), document,
                              transaction=lambda: audited_transaction(info.context))
        return RemoveDocumentPayload(removed_id=id, user_errors=[])
