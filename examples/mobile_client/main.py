"""A mobile-style client: registered operations, sent as persisted GET queries, cached.

    python examples/mobile_client/main.py --base-url http://127.0.0.1:8000 \\
        --client-id CLIENT_ID --register

See README.md next to this file.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from pairing import AppSettings, PairingError, add_pairing_arguments, pair  # noqa: E402

OPERATIONS = HERE / "operations.graphql"
UNREGISTERED = "query Sneaky { me { patient { id } } }"


def register_operations(carnet: str, client_id: str, manifest: Path) -> dict[str, str]:
    """What a release build does: have the operations registered, keep name -> hash."""
    command = [*shlex.split(carnet), "apps", "operations", client_id, str(OPERATIONS)]
    # The operator's own command, without a shell.
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)  # noqa: S603
    if done.returncode != 0:
        raise PairingError(f"registering the operations failed:\n{done.stderr}")
    hashes = {}
    for line in done.stdout.splitlines():
        sha256, name = line.split("\t")
        hashes[name] = sha256
        print(f"registered {sha256} {name}")
    manifest.write_text(json.dumps(hashes, indent=2) + "\n", encoding="utf-8")
    return hashes


def persisted_get(http: httpx.Client, sha256: str, etag: str | None = None) -> httpx.Response:
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256}})
    headers = {"If-None-Match": etag} if etag else {}
    return http.get("/graphql", params={"extensions": extensions}, headers=headers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_pairing_arguments(parser, client_id="", redirect_uri="http://127.0.0.1:8766/callback",
                          scopes="allergies.read measurements.read")
    parser.add_argument("--register", action="store_true",
                        help="register operations.graphql for the app first (runs `carnet "
                        "apps operations`: needs the server's settings, as the operator)")
    parser.add_argument("--carnet", default="carnet",
                        help="the operator's carnet command, for --register (default: carnet)")
    parser.add_argument("--manifest", type=Path, default=Path("carnet-mobile-operations.json"),
                        help="operation name -> SHA-256, written by --register")
    args = parser.parse_args(argv)
    if not args.client_id:
        parser.error("--client-id is needed")
    try:
        hashes = (register_operations(args.carnet, args.client_id, args.manifest) if args.register
                  else json.loads(args.manifest.read_text(encoding="utf-8")))
        app = AppSettings(args.base_url.rstrip("/"), args.client_id, args.redirect_uri,
                          args.scopes)
        tokens = pair(app, args)
    except (PairingError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    with httpx.Client(base_url=app.base_url, headers=headers, timeout=30) as http:
        for name, sha256 in hashes.items():
            first = persisted_get(http, sha256)
            etag = first.headers.get("etag")
            print(f"GET {name}: {first.status_code}, ETag {etag}, {len(first.content)} bytes")
            print(json.dumps(first.json().get("data"), ensure_ascii=False))
            second = persisted_get(http, sha256, etag)
            print(f"GET {name} again: {second.status_code}, {len(second.content)} bytes")
        refused = http.post("/graphql", json={"query": UNREGISTERED}).json()
        codes = [error["extensions"]["code"] for error in refused.get("errors", [])]
        print(f"an unregistered query: {', '.join(codes) or 'answered'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
