"""Fuzzing /graphql from its own schema: ``python -m bench.fuzz [--operations N]``.

Starts ``carnet serve`` on a fresh demo database (SQLite in a temporary folder), signs in
as a demo patient (Camille MARTIN) and as a demo professional with no relation to any
record (Dr Claire MOREAU, the dentist Jean DUPONT blocked), reads the schema by
introspection and lets schemathesis (hypothesis-graphql) write queries and mutations for
every field of Query and Mutation, at least N per role (2,000 by default).

Each answer is checked:
- no 5xx;
- every error carries ``extensions.code`` (a coded refusal is an answer, not a failure);
- no consent breach: the answer never holds the identity (NIR, first names) of a patient
  the role may not read: for the professional, every demo patient; for Camille, Jean and
  Paule (Léo is her son, whose record she keeps).

Identifiers (``ID``) are drawn mostly from small numbers, so that queries reach real rows
of the demo, and sometimes from any text. Prints one line per role and every failure
with the query that caused it; exits 1 when there is a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import schemathesis
from graphql import introspection_from_schema
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from api.db import close_database, open_database
from api.identity.demo import CAMILLE, JEAN, LEO, PATIENTS, PAULE
from api.identity.models import Account
from api.identity.sessions import SessionStage, start_session
from api.identity.viewer import SESSION_COOKIE
from api.root.schema import shared_schema
from api.security import csrf
from api.settings import Settings
from tests.live_server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PATIENT_EMAIL = "camille@demo.carnet.invalid"
PROFESSIONAL_EMAIL = "dr.moreau@demo.carnet.invalid"
# Generous rates: the fuzzer is one client sending thousands of requests a minute.
FUZZ_LIMITS = {"RATE_LIMIT_PER_TOKEN": "1000000/minute",
               "RATE_LIMIT_PER_ADDRESS": "1000000/minute",
               "COST_BUDGET": "100000000/minute"}


def _identity(nir: str) -> tuple[str, ...]:
    person = next(p for p in PATIENTS if p.nir == nir)
    return (person.nir, person.first_names)


# What each role must never be shown: the identity of the records it may not read.
FORBIDDEN = {
    "patient": (*_identity(JEAN), *_identity(PAULE)),
    "professional": tuple(text for nir in (CAMILLE, LEO, JEAN, PAULE)
                          for text in _identity(nir)),
}
EMAILS = {"patient": PATIENT_EMAIL, "professional": PROFESSIONAL_EMAIL}


def register_identifiers() -> None:
    """IDs: mostly the small numbers the demo's rows carry, sometimes any text; uploads as
    text."""
    schemathesis.graphql.scalar("ID", st.one_of(
        st.integers(min_value=1, max_value=40).map(str),
        st.text(max_size=12)).map(nodes.String))
    # A file travels in a multipart request; written into the query, it is a bad value
    # the server must refuse with a code.
    schemathesis.graphql.scalar("Upload", st.text(max_size=8).map(nodes.String))


def problems_in(status: int, text: str, forbidden: tuple[str, ...]) -> list[str]:
    """What is wrong with one answer of /graphql (empty when it is a fair answer)."""
    problems = []
    if status >= 500:
        problems.append(f"status {status}")
    try:
        body = json.loads(text)
    except ValueError:
        return [*problems, f"status {status} with a body that is not JSON: {text[:200]!r}"]
    results = body if isinstance(body, list) else [body]
    for result in results:
        errors = result.get("errors") or [] if isinstance(result, dict) else []
        for error in errors:
            if not (error.get("extensions") or {}).get("code"):
                problems.append(f"error without extensions.code: {error.get('message')!r}")
    for secret in forbidden:
        if secret in text:
            problems.append(f"consent breach: the answer holds {secret!r}")
    return problems


@dataclass
class Report:
    role: str
    sent: int = 0
    fields: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    coded: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        codes = ", ".join(f"{code} {n}" for code, n in sorted(self.coded.items(),
                                                              key=lambda x: -x[1])[:6])
        return (f"{self.role}: {self.sent} operations over {self.fields} fields of Query and "
                f"Mutation, {len(self.failures)} failures; "
                f"statuses {dict(sorted(self.statuses.items()))}; most frequent error codes: "
                f"{codes or 'none'}")


def fuzz_role(endpoint: str, role: str, session: requests.Session, csrf_token: str,
              operations: int, progress: Callable[[str], None] = print) -> Report:
    """Send at least `operations` generated operations as `role`; check every answer."""
    report = Report(role)
    # The schema the server serves, introspected in this process: the server's own limits
    # (query depth and cost) rightly refuse the whole introspection query over HTTP.
    schema = schemathesis.graphql.from_dict(introspection_from_schema(shared_schema()._schema))
    found = [result.ok() for result in schema.get_all_operations()]
    report.fields = len(found)
    headers = {csrf.HEADER: csrf_token}

    def send(case: Any) -> None:
        response = case.call(base_url=endpoint, session=session, headers=headers)
        report.sent += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        try:
            for error in response.json().get("errors") or []:
                code = str((error.get("extensions") or {}).get("code"))
                report.coded[code] = report.coded.get(code, 0) + 1
        except (ValueError, AttributeError):
            pass
        for problem in problems_in(response.status_code, response.text, FORBIDDEN[role]):
            report.failures.append(f"{problem}\n    query: {case.body}")

    round_number = 0
    while report.sent < operations and round_number < 20:
        round_number += 1
        # Spread what is left over every field; a field with few arguments may give fewer.
        per_operation = max(1, -(-(operations - report.sent) // len(found)))
        for operation in found:
            try:
                strategy = operation.as_strategy()
            except Exception as error:
                if round_number == 1:
                    report.skipped.append(f"{operation.label}: {error}")
                continue

            @seed(round_number)
            @settings(max_examples=per_operation, database=None, deadline=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case: Any) -> None:
                send(case)

            try:
                run()
            except Exception as error:
                report.skipped.append(f"{operation.label}: {type(error).__name__}: {error}")
        progress(f"  {role}: {report.sent} operations sent, {len(report.failures)} failures")
    return report


async def session_tokens(settings: Settings, email: str) -> tuple[str, str, str]:
    """A full session for the demo account: (session token, CSRF cookie, CSRF header)."""
    await open_database(settings)
    try:
        account = await Account.get(email=email)
        token, _ = await start_session(settings.secret_key, account, SessionStage.ACTIVE,
                                       "carnet-fuzz")
    finally:
        await close_database()
    secret = bytes(range(32))
    cookie = base64.urlsafe_b64encode(secret).decode().rstrip("=")
    # The header carries a masked copy, as the pages write it (an all-zero pad).
    header = base64.urlsafe_b64encode(bytes(32) + secret).decode().rstrip("=")
    return token, cookie, header


def signed_in(settings: Settings, role: str) -> tuple[requests.Session, str]:
    token, cookie, header = asyncio.run(session_tokens(settings, EMAILS[role]))
    session = requests.Session()
    session.cookies.set(SESSION_COOKIE, token)
    session.cookies.set(csrf.COOKIE, cookie)
    return session, header


def _carnet(*args: str) -> list[str]:
    return [sys.executable, "-m", "api.cli", *args]


@contextmanager
def demo_server(folder: Path, extra_env: dict[str, str] | None = None
                ) -> Iterator[tuple[str, dict[str, str]]]:
    """`carnet serve` on a fresh demo database in `folder`; yields its URL and environment."""
    env = {**os.environ, "CARNET_VAR_DIR": str(folder), "CARNET_ENV": "development",
           "DATABASE_URL": f"sqlite://{folder / 'carnet.sqlite3'}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           **FUZZ_LIMITS, **(extra_env or {})}
    for command in ("migrate", "demo"):
        subprocess.run(_carnet(command), env=env, cwd=ROOT, check=True,  # noqa: S603
                       stdout=subprocess.DEVNULL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(_carnet("serve", "--port", str(port)), env=env,  # noqa: S603
                               cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(url, process)
        yield url, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def fuzz(operations: int, roles: tuple[str, ...] = ("professional", "patient"),
         progress: Callable[[str], None] = print) -> list[Report]:
    """The whole run on a fresh demo. The professional goes first: the patient's mutations
    (a grant to a random professional id) could otherwise give her a relation."""
    register_identifiers()
    with tempfile.TemporaryDirectory(prefix="carnet-fuzz-") as name:
        folder = Path(name)
        progress("preparing the demo database and starting carnet serve...")
        with demo_server(folder) as (url, env):
            app_settings = Settings.from_env(env)
            reports = []
            for role in roles:
                session, header = signed_in(app_settings, role)
                reports.append(fuzz_role(f"{url}/graphql", role, session, header,
                                         operations, progress))
            server_errors = [line for line in (folder / "server.log").read_text(
                encoding="utf-8", errors="replace").splitlines() if "Traceback" in line]
            if server_errors:
                reports[-1].failures.append(
                    f"the server logged {len(server_errors)} tracebacks (see its log)")
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=2000,
                        help="at least this many generated operations per role")
    args = parser.parse_args(argv)
    if args.operations < 1:
        parser.error("--operations must be at least 1")
    started = time.monotonic()
    reports = fuzz(args.operations, progress=lambda line: print(line, file=sys.stderr))
    failed = False
    for report in reports:
        print(report.line())
        for skipped in report.skipped:
            print(f"  not generated: {skipped}")
        for failure in report.failures[:50]:
            print(f"  FAIL {failure}")
        failed = failed or bool(report.failures)
    print(f"fuzzing took {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
