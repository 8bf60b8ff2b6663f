"""`make messages`: the catalogues under api/locales in step with the code.

Every message id is extracted from api/ and web/ (Python with N_, NC_, _, gettext,
ngettext, pgettext; the Jinja templates), then, for each language:

- an id already in an area's catalogue (sharing.po, errors.po...) stays there, with its
  translation: areas are kept (a word two areas use may be in both, translated alike);
- a new id goes to messages.po, with an empty French translation to fill in by hand
  (move it to an area's file if you like: it stays where you put it);
- an id the extraction does not find is kept and listed: some pages translate ids kept
  in a table without N_ (web/patient/frame.py), so only a person can say it is unused.

Only messages.po is ever written, and only when an id is added, in babel's layout with
its header kept: running it twice changes nothing. `--check` writes nothing and exits 1
when an id would be added, lacks its French translation, or is translated differently in
two areas (tests/web/test_i18n.py runs it).
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "api" / "locales"
LANGUAGES = ("fr", "en")
NEW_IDS_AREA = "messages.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2),
            "NC_": ((1, "c"), 2), "pgettext": ((1, "c"), 2)}
MAPPING = ROOT / "babel.cfg"  # which files, read how

Key = tuple[str | None, str]  # (context, id); a plural is keyed by its singular


@dataclass(frozen=True)
class Extracted:
    key: Key
    id: str | tuple[str, str]


def extracted() -> dict[Key, Extracted]:
    """Every message the code and templates use."""
    with MAPPING.open(encoding="utf-8") as handle:
        methods, options = parse_mapping_cfg(handle)
    found: dict[Key, Extracted] = {}
    for _, _, message, _, context in extract_from_dir(
            str(ROOT), methods, keywords=KEYWORDS, options_map=options):
        if isinstance(message, tuple):
            if not message[0]:
                continue
            msgid: str | tuple[str, str] = (message[0], message[1])
            key = (context, message[0])
        else:
            if not message:
                continue
            msgid = message
            key = (context, message)
        found.setdefault(key, Extracted(key, msgid))
    return found


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
    return message.context, str(msgid)


def _entries(catalog: Catalog) -> list[tuple[Key, object, object]]:
    return [(_key(m), m.id, m.string) for m in catalog if m.id]


@dataclass
class Report:
    changed: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    disagreeing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    @property
    def faults(self) -> list[str]:
        return ([f"no French translation: {entry}" for entry in self.untranslated]
                + [f"translated differently in two areas: {entry}"
                   for entry in self.disagreeing])


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _new_catalog(language: str) -> Catalog:
    return Catalog(locale=language, project="Carnet", version="VERSION",
                   copyright_holder="ORGANIZATION", msgid_bugs_address="EMAIL@ADDRESS",
                   fuzzy=False)


def _strings(message: Message) -> tuple[str, ...]:
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (str(string or ""),)


def update(language: str, used: dict[Key, Extracted], write: bool, report: Report) -> None:
    """Add the ids the code uses and no catalogue has; check what the catalogues hold."""
    folder = LOCALES / language / "LC_MESSAGES"
    catalogs = {path.name: _read(path, language) for path in sorted(folder.glob("*.po"))}
    placed: dict[Key, tuple[str, tuple[str, ...]]] = {}
    for name, catalog in catalogs.items():
        for message in catalog:
            if not message.id:
                continue
            key, strings = _key(message), _strings(message)
            if language == "en":  # English is the source: an empty translation is the id
                strings = tuple(string or key[1] for string in strings)
            if key not in used:
                report.unused.append(f"{language}/{name}: {key[1]!r}")
            elif key in placed and placed[key][1] != strings:
                report.disagreeing.append(f"{language}: {key[1]!r} ({placed[key][0]}, {name})")
            placed.setdefault(key, (name, strings))
            if language == "fr" and key in used and not all(strings):
                report.untranslated.append(f"{name}: {key[1]!r}")
    missing = [item for key, item in used.items() if key not in placed]
    if not missing:
        return
    target = catalogs.get(NEW_IDS_AREA) or _new_catalog(language)
    for item in missing:
        empty: str | tuple[str, ...] = (("",) * int(target.num_plurals)
                                        if isinstance(item.id, tuple) else "")
        target.add(item.id, empty, context=item.key[0])
        if language == "fr":
            report.untranslated.append(f"{NEW_IDS_AREA}: {item.key[1]!r}")
    report.changed.append(f"{language}/{NEW_IDS_AREA}")
    if write:
        buffer = io.BytesIO()
        write_po(buffer, target, width=100, no_location=True)
        (folder / NEW_IDS_AREA).write_bytes(buffer.getvalue())


def run(write: bool) -> Report:
    used = extracted()
    report = Report()
    for language in LANGUAGES:
        update(language, used, write, report)
    return report


def main(argv: list[str]) -> int:
    check = "--check" in argv
    report = run(write=not check)
    for name in report.changed:
        print(("would change " if check else "updated ") + name)
    for entry in report.unused:
        print(f"not found in the code (used under another name, or to delete): {entry}")
    for fault in report.faults:
        print(fault)
    return 1 if report.faults or (check and report.changed) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
