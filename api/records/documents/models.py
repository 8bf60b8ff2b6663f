"""Documents of the record: the row describes the file; the bytes live in the storage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from api.identity.sealed import SealedModel, SealedText
from api.records.provenance import ProvenanceMixin

if TYPE_CHECKING:
    from api.identity.models import Patient


# One file of a patient's record (PDF, JPEG or PNG). `created_by` is its author.
# `category` is derived from `type_code` and kept so lists filter on it in SQL.
class Document(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    title = SealedText(max_length=200)
    type_code = fields.CharField(max_length=16)
    category = fields.CharField(max_length=32)
    content_type = fields.CharField(max_length=32)
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=64, unique=True)
    # Shown to people only; never used to build a path.
    original_filename = SealedText(max_length=255, default="")
    document_date = fields.DateField()
    hidden_from_professionals = fields.BooleanField(default=False)
    held_back_until = fields.DatetimeField(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int
    created_by_id: int | None
    updated_by_id: int | None

    class Meta:
        table = "document"
        indexes = (("patient_id", "document_date", "id"),)


# The bytes themselves, when the database keeps them (api/records/documents/storage_database.py):
# a row per stored file, written last, and its bytes in rows of up to 256 KiB.
class StoredFile(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=32, unique=True)
    size_bytes = fields.BigIntField()
    chunk_count = fields.IntField()
    stored_at = fields.DatetimeField()

    class Meta:
        table = "stored_file"


class StoredChunk(Model):
    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=32)
    seq = fields.IntField()
    data = fields.BinaryField()

    class Meta:
        table = "stored_chunk"
        unique_together = (("key", "seq"),)


__models__ = [Document, StoredFile, StoredChunk]
