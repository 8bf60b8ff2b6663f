"""The demo consent data: the stories the demo people tell, loaded once however often run."""

from __future__ import annotations

from api import clock
from api.consent.models import Block, EmergencyAccess, Grant, Notification, TreatingDoctor
from api.demo import load_demo
from api.identity.models import Patient, Professional
from api.sharing import demo


async def test_demo_consent_tells_its_stories_once(db):
    await load_demo()
    await demo.load()
    await demo.load()
    now = clock.now()
    camille = await Patient.get(ins_nir=demo.CAMILLE)
    treating = await TreatingDoctor.get(patient_id=camille.id)
    assert (await Professional.get(id=treating.professional_id)).rpps == demo.BERNARD
    grants = {(await Professional.get(id=g.professional_id)).rpps: g
              for g in await Grant.filter(patient_id=camille.id)}
    assert set(grants) == {demo.PETIT, demo.ROBERT}
    assert grants[demo.PETIT].expires_at > now and not grants[demo.PETIT].write
    assert grants[demo.ROBERT].expires_at < now
    jean = await Patient.get(ins_nir=demo.JEAN)
    assert await Block.filter(patient_id=jean.id).count() == 1
    paule = await Patient.get(ins_nir=demo.PAULE)
    [access] = await EmergencyAccess.filter(patient_id=paule.id)
    assert access.expires_at < now
    assert await Notification.filter(patient_id=paule.id).count() == 1


async def test_demo_consent_skips_people_who_are_missing(db):
    await demo.load()
    assert await Grant.all().count() == 0
