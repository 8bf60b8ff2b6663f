"""The demo access history: the visits of the stories, in time order, once, and chains that
hold."""

from __future__ import annotations

import contextvars
import shutil
import sqlite3
from pathlib import Path

import pytest
import tortoise.context

from api import cli
from api.audit import seal
from api.audit.models import AccessEvent
from api.audit.verify import verify_chains
from api.consent.models import EmergencyAccess
from api.demo import load_demo, load_records
from api.identity.demo import EMERGENCY_REASON
from api.identity.models import Patient
from api.settings import Settings
from api.sharing import demo as consent_demo


def _story(events: list[AccessEvent]) -> list[tuple[str, str, str, str, str]]:
    return [(e.viewer_name, e.basis.value, e.request_kind, e.sections, e.actions)
            for e in events]


async def _chain(nir: str) -> list[AccessEvent]:
    patient = await Patient.get(ins_nir=nir)
    return await AccessEvent.filter(patient_id=patient.id).order_by("sequence")


async def test_the_demo_history_tells_who_opened_and_read_the_records(
    db: None, settings: Settings
) -> None:
    await load_demo()
    await load_records(settings)
    paule = await _chain(consent_demo.PAULE)
    assert _story(paule) == [
        ("Karim HADDAD", "emergency", "emergency_open", "", ""),
        ("Karim HADDAD", "emergency", "graphql", "allergies,treatments", "read"),
        ("Karim HADDAD", "emergency", "graphql", "directives,history", "read"),
        ("Karim HADDAD", "emergency", "graphql", "documents,measurements", "read"),
    ]
    [access] = await EmergencyAccess.filter(patient_id=paule[0].patient_id)
    # The history names the access; its reason is sealed in the access's row.
    assert paule[0].detail == f"emergency_access:{access.id}" and paule[0].emergency
    assert access.reason == EMERGENCY_REASON
    assert paule[0].occurred_at == access.opened_at
    assert all(access.opened_at <= e.occurred_at < access.expires_at for e in paule)

    camille = await _chain(consent_demo.CAMILLE)
    assert _story(camille) == [
        ("Julie ROBERT", "grant", "graphql", "allergies,treatments", "read"),
        ("Marc PETIT", "grant", "graphql", "allergies,treatments", "read"),
        ("Sophie BERNARD", "treating_doctor", "graphql",
         "allergies,documents,history,identity,measurements,treatments,vaccinations",
         "read,write"),
        ("Marc PETIT", "grant", "graphql", "measurements,treatments", "read"),
        ("Sophie BERNARD", "treating_doctor", "graphql", "documents,measurements", "read"),
    ]
    moments = [e.occurred_at for e in camille]
    assert moments == sorted(moments)
    jean = await _chain(consent_demo.JEAN)
    assert _story(jean) == [
        ("Sophie BERNARD", "grant", "graphql", "allergies,identity,treatments", "read,write")]
    assert (await verify_chains(settings)).ok


async def test_running_the_demo_twice_adds_nothing_to_the_history(
    db: None, settings: Settings
) -> None:
    await load_demo()
    await load_records(settings)
    events = await AccessEvent.all().count()
    await load_records(settings)
    assert await AccessEvent.all().count() == events == 10
    assert await EmergencyAccess.all().count() == 1


def _carnet(*args: str) -> int:
    """Run the `carnet` command in a fresh context: it opens (and closes) its own database,
    which must not touch the one the other tests share."""
    return contextvars.Context().run(cli.main, list(args))


def test_audit_verify_passes_on_the_demo_database_and_names_a_tampered_or_cut_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tortoise.context, "_global_context", None)
    # The command configures its own sealing key: the other tests' key comes back after.
    monkeypatch.setattr(seal, "_key", seal._key)
    for name in ("DATABASE_URL", "CARNET_ENV", "SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    demo_dir, copy_dir = tmp_path / "demo", tmp_path / "copy"
    monkeypatch.setenv("CARNET_VAR_DIR", str(demo_dir))
    assert _carnet("migrate") == 0
    assert _carnet("demo") == 0
    assert _carnet("audit", "verify") == 0
    assert "10 access events in 3 patient histories: every chain is intact" in (
        capsys.readouterr().out)

    copy_dir.mkdir()
    shutil.copy(demo_dir / "carnet.sqlite3", copy_dir / "carnet.sqlite3")
    with sqlite3.connect(copy_dir / "carnet.sqlite3") as database:
        event_id, patient_id = database.execute(
            "SELECT id, patient_id FROM access_event WHERE request_kind = 'emergency_open'"
        ).fetchone()
        database.execute("UPDATE access_event SET detail = 'Simple curiosité' WHERE id = ?",
                         (event_id,))
    database.close()
    monkeypatch.setenv("CARNET_VAR_DIR", str(copy_dir))
    assert _carnet("audit", "verify") == 1
    broken = capsys.readouterr().err
    assert f"BROKEN patient {patient_id}: event {event_id} (sequence 1)" in broken
    assert "no longer matches its hash" in broken

    cut_dir = tmp_path / "cut"
    cut_dir.mkdir()
    shutil.copy(demo_dir / "carnet.sqlite3", cut_dir / "carnet.sqlite3")
    with sqlite3.connect(cut_dir / "carnet.sqlite3") as database:
        patient_id, newest = database.execute(
            "SELECT patient_id, MAX(sequence) FROM access_event GROUP BY patient_id "
            "ORDER BY 2 DESC LIMIT 1").fetchone()
        database.execute("DELETE FROM access_event WHERE patient_id = ? AND sequence = ?",
                         (patient_id, newest))
    database.close()
    monkeypatch.setenv("CARNET_VAR_DIR", str(cut_dir))
    assert _carnet("audit", "verify") == 1
    out, err = capsys.readouterr()
    assert "9 access events in 3 patient histories: 1 broken" in out
    assert (f"BROKEN patient {patient_id}: chain head (sequence {newest}) is past the newest "
            f"event (sequence {newest - 1}): event {newest} was deleted") in err

    monkeypatch.setenv("CARNET_VAR_DIR", str(demo_dir))
    assert _carnet("audit", "verify") == 0
    capsys.readouterr()
    assert _carnet("audit", "anchor") == 0
    digest = capsys.readouterr().out.strip()
    assert digest.startswith("4:")  # the three demo chains, then the anchor
    assert _carnet("audit", "verify", "--anchor", digest) == 0
    assert "Anchor 4 holds" in capsys.readouterr().out

    erased_dir = tmp_path / "erased"
    erased_dir.mkdir()
    shutil.copy(demo_dir / "carnet.sqlite3", erased_dir / "carnet.sqlite3")
    with sqlite3.connect(erased_dir / "carnet.sqlite3") as database:
        for table in ("access_event", "access_chain_head", "access_register",
                      "access_register_tip", "access_anchor_chain"):
            database.execute(f"DELETE FROM {table}")
    database.close()
    monkeypatch.setenv("CARNET_VAR_DIR", str(erased_dir))
    assert _carnet("audit", "verify", "--anchor", digest) == 1
    assert ("BROKEN register: the register is empty, but the anchor names entry 4: the access "
            "history was erased") in capsys.readouterr().err
