"""Settings are read once at start and passed down: importing any module of the API or the
pages reads none of the project's environment variables (a test that changes settings then
only has to build a Settings, never to reload a module)."""

from __future__ import annotations

import subprocess
import sys

# Imports every module (migrations aside) under an os.environ that notes each name read.
PROBE = """
import importlib, os, pkgutil
read = set()
class Noting(dict):
    def __getitem__(self, name): read.add(name); return super().__getitem__(name)
    def get(self, name, default=None): read.add(name); return super().get(name, default)
    def __contains__(self, name): read.add(name); return super().__contains__(name)
os.environ = Noting(os.environ)
import api, web
for package in (api, web):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if ".migrations." not in found.name:
            importlib.import_module(found.name)
print(" ".join(sorted(read)))
"""

PROJECT_VARIABLES = ("CARNET_", "DATABASE_URL", "SECRET_KEY", "OLD_SECRET_KEY", "SMTP_",
                     "RATE_LIMIT_", "COST_BUDGET", "PERSISTED_QUERY_STORAGE", "REDIS")


def test_no_module_reads_the_projects_environment_when_imported() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, timeout=120)
    read = done.stdout.split()
    assert read, "the probe noted nothing: it no longer sees environment reads"
    assert [name for name in read if name.startswith(PROJECT_VARIABLES)] == []
