"""`carnet fhir import`: the report, the progress of a large file, a refused file's exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from api.identity.ins import nir_key
from api.identity.models import Patient
from api.records.entries.models import HistoryEntry
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.exchange import bundles
from tests.factories import fresh_nir, make_patient


def _carnet(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def _ins(patient: Patient) -> str:
    return patient.ins_nir + patient.ins_key


async def test_a_document_bundle_is_imported_and_reported(settings, db, tmp_path: Path) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    composition = {"resourceType": "Composition", "id": "ips", "status": "final",
                   "type": {"coding": [{"system": "http://loinc.org", "code": "60591-5"}]},
                   "date": "2024-03-01", "author": [{"display": "Carnet"}],
                   "title": "Patient summary", "subject": bundles.SUBJECT}
    path = tmp_path / "ips.json"
    path.write_bytes(bundles.as_bytes(bundles.bundle(
        composition, bundles.PATIENT, bundles.condition(1), bundles.allergy(4),
        bundles.immunization(6, coding=[{"system": "urn:carnet:vaccine", "code": "NOPE"}]),
        kind="document")))
    done = _carnet(settings, "fhir", "import", "--ins", _ins(patient), str(path))
    assert done.returncode == 0, done.stderr
    assert "Added 2 entries." in done.stdout
    assert "entry[4] Immunization/vaccination-6: Unknown vaccine NOPE." in done.stdout
    assert "entry[1] Patient/patient-1: Not imported: the identity of the record" in done.stdout
    assert done.stderr == ""  # a small file shows no progress
    again = _carnet(settings, "fhir", "import", "--ins", _ins(patient), str(path))
    assert "Added 0 entries." in again.stdout and "Already in the record." in again.stdout
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 1


async def test_a_large_file_shows_its_progress(settings, db, tmp_path: Path) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    readings = [bundles.observation(n, value=60 + n / 10,
                                    when=f"2024-03-{1 + n % 28:02d}T08:{n % 60:02d}:00+01:00")
                for n in range(120)]
    path = tmp_path / "readings.json"
    path.write_bytes(bundles.as_bytes(bundles.bundle(*readings, kind="transaction")))
    done = _carnet(settings, "fhir", "import", "--ins", _ins(patient), str(path))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "read 120/120 resources" in lines and "written 120/120 resources" in lines
    assert len(lines) > 10  # step by step, not only at the end
    assert await Measurement.filter(patient_id=patient.id).count() == 120


async def test_a_refused_file_exits_2_with_the_location(settings, db, tmp_path: Path) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    broken = bundles.allergy(4)
    broken["criticality"] = ["high"]
    path = tmp_path / "broken.json"
    path.write_bytes(bundles.as_bytes(bundles.bundle(bundles.condition(1), broken)))
    done = _carnet(settings, "fhir", "import", "--ins", _ins(patient), str(path))
    assert done.returncode == 2
    assert done.stderr.startswith("error: entry[1].resource.criticality: This does not follow "
                                  "FHIR R4B")
    assert done.stdout == ""
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 0
    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello")
    done = _carnet(settings, "fhir", "import", "--ins", _ins(patient), str(not_json))
    assert (done.returncode, done.stderr.strip()) == (
        2, "error: line 1, column 1: This is not a JSON file: Expecting value.")
    nobody = fresh_nir()
    unknown = _carnet(settings, "fhir", "import", "--ins", nobody + nir_key(nobody), str(path))
    assert unknown.returncode == 2 and "no patient with this INS" in unknown.stderr
