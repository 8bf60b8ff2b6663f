"""`carnet apps`: what the operator sees when registering and approving."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from api.oauth import services
from api.oauth.models import AppOperation, OAuthApp
from api.settings import Settings


def _carnet(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


async def test_register_prints_a_secret_only_for_a_confidential_app(settings, db) -> None:
    confidential = _carnet(settings, "apps", "register", "--name", "Cabinet Soft",
                           "--redirect-uri", "https://cabinet.example/cb",
                           "--scopes", "documents.deposit allergies.read")
    public = _carnet(settings, "apps", "register", "--name", "Mobile", "--public",
                     "--redirect-uri", "org.example.mobile:/cb", "--scopes", "allergies.read")
    assert confidential.returncode == 0 and public.returncode == 0
    assert "client_secret: " in confidential.stdout and "client_secret" not in public.stdout
    client_id = confidential.stdout.split("client_id: ")[1].split()[0]
    assert await services.approved_app(client_id) is None  # not in the catalogue yet
    approved = _carnet(settings, "apps", "approve", client_id)
    assert approved.returncode == 0 and "Cabinet Soft" in approved.stdout
    assert await services.approved_app(client_id) is not None


@pytest.mark.parametrize(("args", "message"), [
    (("register", "--name", "X", "--redirect-uri", "http://x.example/cb", "--scopes",
      "allergies.read"), "redirect URI"),
    (("register", "--name", "X", "--redirect-uri", "https://x.example/cb", "--scopes",
      "allergies.delete"), "unknown scopes"),
    (("approve", "no-such-client"), "no app has the client id"),
])
async def test_mistakes_are_refused_with_a_reason(settings, db, args, message) -> None:
    done = _carnet(settings, "apps", *args)
    assert done.returncode == 1 and message in done.stderr


OPERATIONS_FILE = """query Allergies { me { patient { allergies { items { substance } } } } }

mutation AddWeight($input: AddMeasurementInput!) {
  addMeasurement(input: $input) { userErrors { code } }
}
"""


async def test_operations_are_registered_and_their_hashes_printed(settings, db,
                                                                  tmp_path) -> None:
    app, _ = await services.register_app(name="Mobile", publisher="Labs", scopes="allergies.read",
                                         redirect_uris=["org.example.m:/cb"], confidential=False)
    path = tmp_path / "app.graphql"
    path.write_text(OPERATIONS_FILE)
    done = _carnet(settings, "apps", "operations", app.client_id, str(path))
    assert done.returncode == 0, done.stderr
    expected = {
        "Allergies": OPERATIONS_FILE.splitlines()[0],
        "AddWeight": "\n".join(OPERATIONS_FILE.splitlines()[2:5]),
    }
    printed = dict(line.split("\t")[::-1] for line in done.stdout.splitlines())
    assert printed == {name: hashlib.sha256(text.encode()).hexdigest()
                       for name, text in expected.items()}
    assert "allowlist mode on" in done.stderr
    again = _carnet(settings, "apps", "operations", app.client_id, str(path))
    assert again.stdout == done.stdout  # registering twice adds nothing
    off = _carnet(settings, "apps", "operations", app.client_id, "--allowlist", "off")
    assert off.returncode == 0 and off.stdout == done.stdout
    assert "allowlist mode off" in off.stderr
    assert not (await OAuthApp.get(client_id=app.client_id)).allowlist_mode


@pytest.mark.parametrize(("text", "problem"), [
    ("query A { me { patient { allergies { items { substance } } } }\n",
     "line 2, column 1: Syntax Error"),
    ("query A { me { id } }\n\nquery B {\n  me { nosuchfield }\n}\n",
     "line 4, column 8: Cannot query field 'nosuchfield'"),
    ("query A { me { id } }\n{ me { id } }\n", "line 2, column 1: This anonymous operation"),
    ("fragment F on Query { me { id } }\n", "Fragment 'F' is never used"),
    ("", "Syntax Error"),
    ('\n\nquery Long { terminology(system: ICD10, text: "' + "x" * 33_000
     + '", first: 1) { code } }\n',
     "line 3: Long is longer than 32768 characters"),
])
async def test_an_invalid_operation_file_is_refused_with_its_line(settings, db, tmp_path,
                                                                  text, problem) -> None:
    app, _ = await services.register_app(name="Mobile", publisher="Labs", scopes="allergies.read",
                                         redirect_uris=["org.example.m:/cb"], confidential=False)
    path = tmp_path / "bad.graphql"
    path.write_text(text)
    done = _carnet(settings, "apps", "operations", app.client_id, str(path))
    assert done.returncode == 1 and f"{path}: " in done.stderr and problem in done.stderr, \
        done.stderr
    assert await AppOperation.filter(app_id=app.id).count() == 0
    assert not (await OAuthApp.get(client_id=app.client_id)).allowlist_mode


async def test_operations_for_an_unknown_app_are_refused(settings, db, tmp_path) -> None:
    path = tmp_path / "app.graphql"
    path.write_text(OPERATIONS_FILE)
    done = _carnet(settings, "apps", "operations", "no-such-client", str(path))
    assert done.returncode == 1 and "no app with client id no-such-client" in done.stderr
