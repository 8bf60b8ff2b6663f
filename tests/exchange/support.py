"""Running an import as a test would: the patient's own account, the configured storage."""

from __future__ import annotations

from typing import Any

from api.exchange.fhir.importing import ImportReport, import_bundle
from api.graphql.context import Context
from api.graphql.viewer import Viewer
from api.identity.models import Account, Patient
from api.records.documents.storage import storage_for
from api.settings import Settings
from tests.exchange.bundles import as_bytes


async def run_import(settings: Settings, patient: Patient, document: dict[str, Any] | bytes,
                     account: Account | None = None) -> ImportReport:
    account = account or await Account.get(id=patient.account_id)  # type: ignore[attr-defined]
    context = Context(settings=settings, viewer=Viewer(account=account, session=None),
                      language="en")
    data = document if isinstance(document, bytes) else as_bytes(document)
    return await import_bundle(context, patient, data, storage_for(settings))
