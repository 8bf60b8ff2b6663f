"""Pollen Diary: a small app that pairs with Carnet, reads what the person allowed and adds a
weight measurement.

    python examples/pollen_diary/main.py --base-url http://127.0.0.1:8000 --weight 71.5

See README.md next to this file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pairing import AppSettings, PairingError, add_pairing_arguments, pair

# What each read scope lets the app show, as a selection of the Patient type.
SECTIONS = {
    "identity": "identity { firstNames birthName birthDate }",
    "allergies": "allergies { items { substance severity } }",
    "treatments": "treatments { items { medication dose current } }",
    "measurements": "measurements(kind: WEIGHT, first: 5) { items { displayValue measuredAt } }",
    "vaccinations": "vaccinations { items { vaccine { label } date } }",
}
ADD_WEIGHT = """mutation AddWeight($input: AddMeasurementInput!) {
  addMeasurement(input: $input) { measurement { displayValue } userErrors { field message } }
}"""


def graphql(http: httpx.Client, query: str, variables: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    answer = http.post("/graphql", json={"query": query, "variables": variables or {}})
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def describe(section: str, value: Any) -> list[str]:
    if value is None:
        return ["(not shared)"]
    if section == "identity":
        return [f"{value['firstNames']} {value['birthName']}, born {value['birthDate']}"]
    items = value["items"]
    if not items:
        return ["(none)"]
    lines = []
    for item in items:
        if section == "allergies":
            lines.append(f"{item['substance']} ({item['severity'] or 'severity unknown'})")
        elif section == "treatments":
            lines.append(f"{item['medication']} {item['dose'] or ''}".strip())
        elif section == "measurements":
            lines.append(f"{item['displayValue']} on {item['measuredAt'][:10]}")
        else:
            lines.append(f"{item['vaccine']['label']} on {item['date']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_pairing_arguments(parser, client_id="demo-pollen-diary",
                          redirect_uri="http://localhost:8765/callback",
                          scopes="allergies.read treatments.read measurements.read "
                                 "measurements.write")
    parser.add_argument("--weight", type=float, default=None,
                        help="a weight in kg to add (needs measurements.write)")
    args = parser.parse_args(argv)
    app = AppSettings(args.base_url.rstrip("/"), args.client_id, args.redirect_uri, args.scopes)
    try:
        tokens = pair(app, args)
    except PairingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    granted = tokens["scope"].split()
    print(f"Connected with: {' '.join(granted)}")
    readable = [s for s in SECTIONS if f"{s}.read" in granted]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    with httpx.Client(base_url=app.base_url, headers=headers, timeout=30) as http:
        selection = " ".join(SECTIONS[s] for s in readable)
        body = graphql(http, f"query Diary {{ me {{ patient {{ id {selection} }} }} }}")
        patient = body["data"]["me"]["patient"]
        for section in readable:
            for line in describe(section, patient.get(section)):
                print(f"{section}: {line}")
        if args.weight is None:
            return 0
        if "measurements.write" not in granted:
            print("Cannot add a weight: measurements.write was not allowed.")
            return 0
        added = graphql(http, ADD_WEIGHT, {"input": {
            "patientId": patient["id"], "kind": "WEIGHT", "value": args.weight,
            "measuredAt": datetime.now(UTC).replace(microsecond=0).isoformat()}})
        payload = (added.get("data") or {}).get("addMeasurement")
        if payload is None or payload["userErrors"]:
            print(f"error: the weight was refused: {added}", file=sys.stderr)
            return 1
        print(f"Added weight: {payload['measurement']['displayValue']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
