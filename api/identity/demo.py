"""The demo people: who they are, named once for every demo module.

Every domain's demo (entries, measurements, documents, consent, the access history...)
tells part of these people's stories, and the root demo (``api.demo``) creates them and
runs each domain's part. Identity is the lowest domain, so every demo module can name the
people from here without importing a demo above its own layer.

Camille MARTIN (31) has asthma and a penicillin allergy, and looks after her son Léo (11),
asthmatic too; Jean DUPONT (68) has a heart history (hypertension, atrial fibrillation);
Paule ORSINI (73) has type 2 diabetes and osteoporosis. The professionals' RPPS numbers and
TOTP keys are published demo values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from api.identity.models import Professional

DEMO_PASSWORD = "carnet-demo-2026"  # noqa: S105 - published demo credential

# Patients by INS NIR (the INS key is computed), professionals by RPPS.
CAMILLE, LEO, JEAN, PAULE = "2951099126111", "1150375056045", "1580169123012", "253072A073004"
BERNARD, PETIT, ROBERT, HADDAD, MOREAU = (
    "10003456781", "10004567892", "10005678903", "10006789014", "10007890125")


@dataclass(frozen=True)
class DemoPatient:
    email: str | None
    nir: str
    birth_name: str
    first_names: str
    birth_date: date
    sex: str
    birthplace: str
    guardian_email: str | None = None


@dataclass(frozen=True)
class DemoProfessional:
    email: str
    rpps: str
    last_name: str
    first_name: str
    profession: str
    specialty: str
    practice: str
    city: str
    postcode: str
    totp_secret: str


PATIENTS = [
    DemoPatient("camille@demo.carnet.invalid", CAMILLE, "MARTIN", "Camille Anne",
                date(1995, 10, 14), "F", "99126"),
    DemoPatient(None, LEO, "MARTIN", "Léo", date(2015, 3, 2), "M", "75056",
                guardian_email="camille@demo.carnet.invalid"),
    DemoPatient("jean@demo.carnet.invalid", JEAN, "DUPONT", "Jean Marc",
                date(1958, 1, 21), "M", "69123"),
    DemoPatient("paule@demo.carnet.invalid", PAULE, "ORSINI", "Paule Marie",
                date(1953, 7, 9), "F", "2A004"),
]

PROFESSIONALS = [
    DemoProfessional("dr.bernard@demo.carnet.invalid", BERNARD, "BERNARD", "Sophie",
                     "physician", "Médecine générale", "Cabinet du Parc", "Lyon", "69003",
                     "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
    DemoProfessional("inf.petit@demo.carnet.invalid", PETIT, "PETIT", "Marc",
                     "nurse", "", "Soins à domicile Petit", "Lyon", "69007",
                     "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"),
    DemoProfessional("pharma.robert@demo.carnet.invalid", ROBERT, "ROBERT", "Julie",
                     "pharmacist", "", "Pharmacie des Halles", "Paris", "75001",
                     "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
    DemoProfessional("urg.haddad@demo.carnet.invalid", HADDAD, "HADDAD", "Karim",
                     "emergency_physician", "Médecine d'urgence", "CHU de Lyon, urgences",
                     "Lyon", "69002", "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"),
    DemoProfessional("dr.moreau@demo.carnet.invalid", MOREAU, "MOREAU", "Claire",
                     "dentist", "Chirurgie dentaire", "Cabinet dentaire Moreau", "Paris", "75011",
                     "ONSWG4TFOQQGC3TEEBZWK3DGEBSGC3TE"),
]


async def professional_accounts(*rpps: str) -> dict[str, int]:
    """The account id of each demo professional named, by RPPS (those not loaded left out)."""
    found = await Professional.filter(rpps__in=list(rpps), account_id__isnull=False)
    return {pro.rpps: pro.account_id for pro in found if pro.account_id is not None}


# The moments the stories share (days ago, UTC hour, minute): the access history, the
# entries a professional wrote and the emergency access agree on them.
EMERGENCY_OPENED = (12, 2, 40)  # Dr HADDAD breaks the glass on Paule's record
CAMILLE_CONSULTATION = (5, 9, 30)  # Dr BERNARD sees Camille, reads and completes her record
JEAN_REVIEW = (4, 18, 10)  # Dr BERNARD completes Jean's allergies and treatments
EMERGENCY_REASON = "Malaise à domicile, patiente confuse, appel du SAMU ; recherche des traitements"
JOINED_DAYS_AGO = 400  # the demo patients opened their record then, and filled it in


def moment(now: datetime, when: tuple[int, int, int]) -> datetime:
    """The time of day (UTC) `when` names, that many days before `now`."""
    days_ago, hour, minute = when
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=minute, second=0,
                                                      microsecond=0)
