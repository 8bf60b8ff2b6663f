"""`carnet apps`: what the operator sees when registering and approving."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.oauth import services
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
