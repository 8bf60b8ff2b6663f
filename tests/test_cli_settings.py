"""A bad configuration is reported in one line by every command, never as a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import PROJECT_ROOT

COMMANDS = [
    ["migrate"],
    ["serve", "--port", "1"],
    ["demo"],
    ["export-schema"],
    ["audit", "verify"],
    ["totp-code", "someone@example.org"],
    ["invite", "--ins", "295109912611193", "--birth-name", "X", "--first-names", "Y",
     "--birth-date", "1995-10-01", "--sex", "F", "--birthplace", "99126"],
]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "SMTP_HOST", "DATABASE_URL")}
    return {**env, "CARNET_ENV": "production", "CARNET_VAR_DIR": str(tmp_path), **extra}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_production_without_a_secret_key_is_refused_in_one_line(tmp_path, args):
    result = _run(args, _production_env(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "SECRET_KEY" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "carnet.sqlite3").exists()


def test_production_without_a_mail_server_names_it(tmp_path):
    result = _run(["migrate"], _production_env(tmp_path, SECRET_KEY="k" * 40))
    assert (result.returncode, "Traceback" in result.stderr) == (2, False)
    assert "SMTP_HOST" in result.stderr


def test_no_module_reads_the_settings_when_it_is_imported(tmp_path):
    # Every module of the app imported under a configuration that from_env() refuses.
    script = (
        "import importlib, pkgutil, api, web\n"
        "for package in (api, web):\n"
        "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "import api.settings\n"
        "try:\n"
        "    api.settings.TORTOISE_ORM\n"
        "except api.settings.SettingsError:\n"
        "    print('refused when asked')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=_production_env(tmp_path),
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused when asked"


def test_the_var_dir_comes_from_the_environment_when_the_settings_are_read(tmp_path):
    from api.settings import Settings

    settings = Settings.from_env({"CARNET_VAR_DIR": str(tmp_path)})
    assert settings.var_dir == tmp_path
    assert settings.database_url == f"sqlite://{tmp_path / 'carnet.sqlite3'}"
