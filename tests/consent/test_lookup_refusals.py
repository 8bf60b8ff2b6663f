"""Lookups by INS and birth date under attack: the miss limit holds under concurrency and
aliases, and every refusal sends the same statements whoever is (or is not) behind it."""

from __future__ import annotations

import asyncio
import re

from api.consent.lookup import MAX_FAILED_LOOKUPS
from api.identity.ins import nir_key
from tests.consent.support import BLOCK, OPEN_EMERGENCY, OPPOSE, codes, pid, session
from tests.consent.throttling import lookup_misses
from tests.factories import make_patient, make_professional
from tests.querycount import count_queries

FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { handle } }"""
UNKNOWN_NIR = "2800175999999"
UNKNOWN_INS = UNKNOWN_NIR + nir_key(UNKNOWN_NIR)


def ins(patient) -> str:
    return f"{patient.ins_nir} {patient.ins_key}"


def aliased_lookups(count: int) -> str:
    fields = "\n".join(
        f'l{n}: findPatient(ins: "{UNKNOWN_INS}", birthDate: "1980-01-01") {{ handle }}'
        for n in range(count))
    return "query {\n" + fields + "\n}"


def _outcomes(bodies) -> list[str]:
    return [code for body in bodies for code in codes(body)]


async def test_forty_parallel_lookups_evaluate_at_most_the_allowed_misses(
        client, settings, db):
    nurse = await make_professional("nurse")
    reader = await session(client, settings, nurse)
    bodies = await asyncio.gather(*(
        reader(FIND, ins=UNKNOWN_INS, birthDate="1980-01-01") for _ in range(40)))
    outcomes = _outcomes(bodies)
    assert len(outcomes) == 40
    assert set(outcomes) <= {"NOT_FOUND", "TOO_MANY_LOOKUPS"}
    assert outcomes.count("NOT_FOUND") <= MAX_FAILED_LOOKUPS
    assert await lookup_misses(settings, (await nurse.account).id) <= MAX_FAILED_LOOKUPS
    refused = [e for body in bodies for e in body.get("errors") or []
               if e["extensions"]["code"] == "TOO_MANY_LOOKUPS"]
    assert refused and all(0 < e["extensions"]["retryAfterSeconds"] <= 3600 for e in refused)


async def test_thirty_aliases_in_one_query_evaluate_at_most_the_allowed_misses(
        client, settings, db):
    nurse = await make_professional("nurse")
    reader = await session(client, settings, nurse)
    body = await reader(aliased_lookups(30))
    outcomes = codes(body)
    assert len(outcomes) == 30
    assert outcomes.count("NOT_FOUND") <= MAX_FAILED_LOOKUPS
    assert outcomes.count("TOO_MANY_LOOKUPS") >= 30 - MAX_FAILED_LOOKUPS
    # And the next request is refused too: the misses were all counted.
    again = await reader(FIND, ins=UNKNOWN_INS, birthDate="1980-01-01")
    assert codes(again) == ["TOO_MANY_LOOKUPS"]


async def test_a_success_gives_its_attempt_back(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    reader = await session(client, settings, nurse)
    for _ in range(MAX_FAILED_LOOKUPS + 5):
        body = await reader(FIND, ins=ins(patient), birthDate=patient.birth_date.isoformat())
        assert body["data"]["findPatient"]["handle"]
    assert await lookup_misses(settings, (await nurse.account).id) == 0


_LITERAL = re.compile(r"'[^']*'|\$\d+|\b\d+\b")


def _shape(statements: list[str]) -> list[str]:
    """The statements with their values taken out: what differs only in values is the same."""
    return [_LITERAL.sub("?", statement) for statement in statements]


async def _statements(reader, query: str, **variables) -> tuple[list[str], list[str]]:
    with count_queries() as log:
        body = await reader(query, **variables)
    return codes(body), _shape(log.statements)


async def test_every_refused_find_sends_the_same_statements(client, settings, db):
    patient, blocker = await make_patient(), await make_patient()
    nurse = await make_professional("nurse")
    await (await session(client, settings, blocker))(
        BLOCK, patientId=pid(blocker), professionalId=pid(nurse))
    reader = await session(client, settings, nurse)
    await reader(FIND, ins=UNKNOWN_INS, birthDate="1980-01-01")  # the throttle row exists
    cases = {
        "nobody": dict(ins=UNKNOWN_INS, birthDate="1980-01-01"),
        "wrong birth date": dict(ins=ins(patient), birthDate="1999-09-09"),
        "blocked": dict(ins=ins(blocker), birthDate=blocker.birth_date.isoformat()),
    }
    seen = {name: await _statements(reader, FIND, **variables)
            for name, variables in cases.items()}
    assert {name: answer for name, (answer, _) in seen.items()} == {
        name: ["NOT_FOUND"] for name in cases}
    shapes = {name: shape for name, (_, shape) in seen.items()}
    assert shapes["blocked"] == shapes["nobody"] == shapes["wrong birth date"], shapes


async def test_every_refused_break_glass_sends_the_same_statements(client, settings, db):
    patient, blocker, opposed = await make_patient(), await make_patient(), await make_patient()
    urgentist = await make_professional("emergency_physician")
    await (await session(client, settings, blocker))(
        BLOCK, patientId=pid(blocker), professionalId=pid(urgentist))
    await (await session(client, settings, opposed))(
        OPPOSE, patientId=pid(opposed), opposed=True)
    reader = await session(client, settings, urgentist)
    reason = "Unconscious after a road accident, no relative reachable"
    await reader(OPEN_EMERGENCY, ins=UNKNOWN_INS, birthDate="1980-01-01", reason=reason)
    cases = {
        "nobody": dict(ins=UNKNOWN_INS, birthDate="1980-01-01"),
        "wrong birth date": dict(ins=ins(patient), birthDate="1999-09-09"),
        "blocked": dict(ins=ins(blocker), birthDate=blocker.birth_date.isoformat()),
        "opposed": dict(ins=ins(opposed), birthDate=opposed.birth_date.isoformat()),
    }
    seen = {name: await _statements(reader, OPEN_EMERGENCY, reason=reason, **variables)
            for name, variables in cases.items()}
    assert all(answer == ["NOT_FOUND"] for answer, _ in seen.values())
    shapes = {name: shape for name, (_, shape) in seen.items()}
    assert shapes["blocked"] == shapes["nobody"] == shapes["wrong birth date"], shapes
    # An opposition is written to the patient's history (the patient must know someone
    # tried): those writes come after the same lookup, and are the only difference.
    common = len(shapes["nobody"])
    assert shapes["opposed"][:common] == shapes["nobody"]
    written = " ".join(shapes["opposed"][common:])
    assert 'INSERT INTO "access_event"' in written and "emergency_access" not in written

