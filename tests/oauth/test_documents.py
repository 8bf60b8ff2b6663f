"""An app with the document scopes: upload through GraphQL, download with its bearer token."""

from __future__ import annotations

from api.audit.models import AccessEvent
from api.identity.models import Account
from tests.factories import make_patient, sign_in
from tests.oauth.support import app_client, connect_app, register
from tests.records.documents.helpers import PDF_BYTES, UPLOAD, multipart_operation


async def test_an_app_uploads_and_downloads_a_document_with_its_token(
        client, app, settings) -> None:
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("documents.read documents.write")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "documents.read documents.write")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        variables = {"input": {"patientId": str(patient.id), "file": None}}
        response = await http.post(
            "/graphql", data=multipart_operation(UPLOAD, variables, "variables.input.file"),
            files={"0": ("scan.pdf", PDF_BYTES, "application/pdf")}, headers=bearer)
        assert response.status_code == 200, response.text
        payload = response.json()["data"]["uploadDocument"]
        assert payload["userErrors"] == []
        url = payload["document"]["downloadUrl"]
        downloaded = await http.get(url, headers=bearer)
        anonymous = await http.get(url)
        forged = await http.get(url, headers={"Authorization": "Bearer forged"})
    assert downloaded.status_code == 200 and downloaded.content == PDF_BYTES
    assert anonymous.status_code == 404
    assert forged.status_code == 401
    assert forged.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    events = await AccessEvent.filter(patient_id=patient.id).order_by("sequence")
    assert [(e.request_kind, e.detail) for e in events] == [
        ("graphql", "Pollen Diary"), ("download", "Pollen Diary")]


async def test_an_app_without_the_read_scope_downloads_nothing(client, app, settings) -> None:
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("documents.write")
    async with app_client(app) as http:
        tokens = await connect_app(client, http, registered, "documents.write")
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        variables = {"input": {"patientId": str(patient.id), "file": None}}
        response = await http.post(
            "/graphql", data=multipart_operation(UPLOAD, variables, "variables.input.file"),
            files={"0": ("scan.pdf", PDF_BYTES, "application/pdf")}, headers=bearer)
        document = response.json()["data"]["uploadDocument"]["document"]
        assert document is not None
        downloaded = await http.get(document["downloadUrl"], headers=bearer)
    assert downloaded.status_code == 404
