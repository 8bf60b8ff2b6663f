"""Helpers that build people and signed-in clients for tests."""

from __future__ import annotations

import base64
import re
from datetime import date

import httpx

from api.identity.ins import nir_key
from api.identity.models import (
    Account,
    AccountStatus,
    Guardianship,
    Patient,
    Professional,
    Role,
    SecondFactor,
    SessionStage,
)
from api.identity.passwords import hash_password
from api.identity.sessions import start_session
from api.identity.viewer import SESSION_COOKIE
from api.security import csrf

PASSWORD = "correct horse battery"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def fresh_nir() -> str:
    n = _next()
    return f"2800175{n:06d}"


_hashes: dict[str, str] = {}


async def password_hash(password: str) -> str:
    """A real argon2id hash, computed once per password for the whole run (tests stay fast)."""
    if password not in _hashes:
        _hashes[password] = await hash_password(password)
    return _hashes[password]


async def make_account(role: Role, *, email: str | None = None, password: str = PASSWORD,
                       second_factor: SecondFactor = SecondFactor.EMAIL,
                       totp_secret: str | None = None) -> Account:
    return await Account.create(
        email=email or f"person{_next()}@test.invalid", role=role, status=AccountStatus.ACTIVE,
        password_hash=await password_hash(password), second_factor=second_factor,
        totp_secret=totp_secret,
    )


async def make_patient(*, email: str | None = None, account: bool = True,
                       birth_date: date = date(1980, 1, 1), birth_name: str = "TESTON",
                       first_names: str = "Alice", guardian: Account | None = None) -> Patient:
    owner = await make_account(Role.PATIENT, email=email) if account else None
    nir = fresh_nir()
    patient = await Patient.create(
        account=owner, ins_nir=nir, ins_key=nir_key(nir), birth_name=birth_name,
        first_names=first_names, birth_date=birth_date, sex="F", birthplace_insee="75056",
    )
    if guardian is not None:
        await Guardianship.create(guardian=guardian, patient=patient)
    return patient


async def make_professional(profession: str = "physician", *, email: str | None = None,
                            last_name: str = "DOC", city: str = "Lyon") -> Professional:
    account = await make_account(Role.PROFESSIONAL, email=email,
                                 second_factor=SecondFactor.TOTP,
                                 totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    n = _next()
    return await Professional.create(
        account=account, rpps=f"1{n:010d}", last_name=last_name, first_name="Test",
        profession=profession, practice_city=city,
    )


async def sign_in(client: httpx.AsyncClient, account: Account, secret_key: str) -> str:
    """Give the client a full session for `account`; returns the CSRF token to send."""
    token, _ = await start_session(secret_key, account, SessionStage.ACTIVE, "test-agent")
    client.cookies.set(SESSION_COOKIE, token)
    secret = bytes(range(32))
    client.cookies.set(csrf.COOKIE, base64.urlsafe_b64encode(secret).decode().rstrip("="))
    # A masked copy, as the pages render it (an all-zero pad leaves the secret as is).
    return base64.urlsafe_b64encode(bytes(32) + secret).decode().rstrip("=")


async def graphql(client: httpx.AsyncClient, csrf_token: str, query: str,
                  variables: dict[str, object] | None = None) -> dict[str, object]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}},
        headers={csrf.HEADER: csrf_token},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)
