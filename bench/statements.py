"""SQL statements per request, for records of 1, 10 and 100 entries per section.

In-process, on the benchmark database before the servers start: for each size a patient
with an account is created, their record filled with that many entries per section (copies
of Camille's, cycled), and Dr Bernard made their treating doctor. Then each operation runs
once to warm per-process caches and once counted (``tests/querycount.py``'s counter):
the professional's summary and the owner's through the schema, the owner's overview page
through the whole web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from tortoise import connections

from api.consent.models import TreatingDoctor
from api.graphql.context import Context
from api.graphql.viewer import Viewer
from api.identity.ins import nir_key
from api.identity.models import Account, AccountStatus, Patient, Professional, Role, SessionStage
from api.identity.sessions import start_session
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from api.settings import Settings
from bench.seed import BERNARD, CAMILLE_NIR, csrf_pair
from tests.querycount import count_queries

SUMMARY = (Path(__file__).resolve().parent.parent / "web" / "operations"
           / "summary.graphql").read_text(encoding="utf-8")
SIZES = (1, 10, 100)
MODELS = (Allergy, Treatment, HistoryEntry, Vaccination, Measurement)


async def _fill(client: Any, template_id: int, patient_id: int, size: int) -> None:
    """`size` copies of the template's rows per section, through the models: the free text
    is sealed under each patient's own key, so a raw copy would not open for another."""
    for model in MODELS:
        rows = await model.filter(patient_id=template_id).order_by("id")
        names = [name for name in model._meta.db_fields
                 if name not in ("id", "seal_id", "patient_id")]
        copies = [model(patient_id=patient_id,
                        **{name: getattr(rows[i % len(rows)], name) for name in names})
                  for i in range(size)]
        await model.bulk_create(copies)


async def _patient(size: int) -> tuple[Account, Patient]:
    account = await Account.create(email=f"bench-{size}@bench.invalid", role=Role.PATIENT,
                                   status=AccountStatus.ACTIVE,
                                   password_hash="!")  # noqa: S106 - no password: no sign-in
    nir = f"1990175056{size:03d}"
    patient = await Patient.create(account=account, ins_nir=nir, ins_key=nir_key(nir),
                                   birth_name=f"TAILLE{size}", first_names="Dominique",
                                   birth_date="1990-01-01", sex="M", birthplace_insee="75056")
    return account, patient


async def _summary_statements(settings: Settings, account: Account, patient_id: int) -> int:
    from api.root.schema import build_schema

    schema = build_schema()
    counts = []
    for _ in range(2):
        context = Context(settings=settings, viewer=Viewer(account=account, session=None))
        with count_queries() as log:
            result = await schema.execute(SUMMARY, variable_values={"id": str(patient_id)},
                                          context_value=context)
        if result.errors:
            raise RuntimeError(f"RecordSummary failed: {result.errors}")
        counts.append(log.count)
    return counts[-1]


async def _page_statements(settings: Settings, account: Account, patient_id: int) -> int:
    from web.app import create_app

    app = create_app(settings, manage_database=False)
    token, _ = await start_session(settings.secret_key, account, SessionStage.ACTIVE, "bench")
    cookie, _header = csrf_pair()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench",
                                 cookies={"carnet_session": token, "carnet_csrf": cookie}
                                 ) as client:
        counts = []
        for _ in range(2):
            with count_queries() as log:
                response = await client.get(f"/records/{patient_id}")
            if response.status_code != 200:
                raise RuntimeError(f"overview page answered {response.status_code}")
            counts.append(log.count)
    return counts[-1]


async def count_statements(settings: Settings) -> dict[str, dict[str, int]]:
    """{operation: {size: statements}}; the database must be open (Tortoise)."""
    client = connections.get("default")
    template = await Patient.get(ins_nir=CAMILLE_NIR)
    bernard = await Account.get(email=BERNARD)
    professional = await Professional.get(account_id=bernard.id)
    found: dict[str, dict[str, int]] = {"professional_summary": {}, "owner_summary": {},
                                        "overview_page": {}}
    for size in SIZES:
        account = await Account.get_or_none(email=f"bench-{size}@bench.invalid")
        if account is None:
            account, patient = await _patient(size)
            await _fill(client, template.id, patient.id, size)
            await TreatingDoctor.create(patient_id=patient.id, professional_id=professional.id,
                                        designated_at=patient.created_at)
        else:
            patient = await Patient.get(account_id=account.id)
        found["professional_summary"][str(size)] = await _summary_statements(
            settings, bernard, patient.id)
        found["owner_summary"][str(size)] = await _summary_statements(
            settings, account, patient.id)
        found["overview_page"][str(size)] = await _page_statements(settings, account, patient.id)
    return found
