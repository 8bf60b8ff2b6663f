"""`carnet directory import FILE.csv`: bad rows, a second import, separators, progress."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.cli import build_parser
from api.consent import directory_import
from api.consent.directory_cli import run_import
from api.identity.models import Professional

HEADER = "rpps;last_name;first_name;profession;specialty;practice_name;city;postcode\n"
GOOD = ("99000000011;LEFÈVRE;Éloïse;physician;Médecine générale;Cabinet du Pont;Lyon;69001\n"
        "99000000029;DUBOIS;Jean;Infirmier;;;Saint-Étienne;42000\n")


def _write(tmp_path: Path, text: str, name: str = "extract.csv", *,
           encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


async def _run(path: Path, capsys: pytest.CaptureFixture[str], *, progress: bool = False
               ) -> tuple[int, str, list[str]]:
    status = await run_import(path, show_progress=progress)
    out, err = capsys.readouterr()
    return status, out, err.splitlines()


async def test_a_clean_extract_loads_every_row_and_exits_zero(db, tmp_path, capsys):
    status, out, err = await _run(_write(tmp_path, HEADER + GOOD), capsys)
    assert status == 0
    assert err == []
    assert "2 created, 0 updated, 0 unchanged, 0 refused" in out
    nurse = await Professional.get(rpps="99000000029")
    assert (nurse.profession, nurse.practice_city, nurse.account_id) == (
        "nurse", "Saint-Étienne", None)
    assert (nurse.name_search, nurse.city_search) == ("dubois jean", "saint etienne")


async def test_bad_rows_are_reported_with_their_line_and_the_rest_loads(db, tmp_path, capsys):
    text = (HEADER
            + "9900000001;SHORT;Rpps;physician;;;Lyon;\n"          # line 2
            + GOOD.splitlines()[0] + "\n"                          # line 3
            + "99000000045;;Nameless;physician;;;Lyon;\n"          # line 4
            + "99000000052;ODD;Job;astronaut;;;Lyon;\n"            # line 5
            + "\n"                                                  # line 6, blank: skipped
            + "99000000060;FEW;Fields;nurse\n"                     # line 7
            + '99000000078;"LONG\nNAME";Ann;nurse;;;Lyon;\n'       # lines 8-9, quoted
            + "99000000086;LAST;Row;dentist;;;Paris;75001\n")      # line 10
    status, out, err = await _run(_write(tmp_path, text), capsys)
    assert status == 1
    assert err == [
        "line 2: RPPS number '9900000001' does not have exactly 11 digits",
        "line 4: last_name is empty",
        "line 5: unknown profession 'astronaut'",
        "line 7: 4 fields where the header has 8",
    ]
    assert "3 created, 0 updated, 0 unchanged, 4 refused" in out
    assert await Professional.filter(rpps__in=["99000000011", "99000000078", "99000000086"]
                                     ).count() == 3


async def test_a_second_import_updates_by_rpps_and_never_duplicates(db, tmp_path, capsys):
    await _run(_write(tmp_path, HEADER + GOOD), capsys)
    moved = GOOD.replace("Saint-Étienne;42000", "Roanne;42300")
    status, out, _ = await _run(_write(tmp_path, HEADER + moved, "again.csv"), capsys)
    assert status == 0
    assert "0 created, 1 updated, 1 unchanged, 0 refused" in out
    assert await Professional.filter(rpps="99000000029").count() == 1
    nurse = await Professional.get(rpps="99000000029")
    assert (nurse.practice_city, nurse.city_search) == ("Roanne", "roanne")


async def test_columns_a_file_lacks_are_left_as_they_were(db, tmp_path, capsys):
    await _run(_write(tmp_path, HEADER + GOOD), capsys)
    short = "rpps;last_name;first_name;profession\n99000000011;LEFÈVRE;Éloïse;Médecin\n"
    status, out, _ = await _run(_write(tmp_path, short, "names.csv"), capsys)
    assert status == 0 and "1 unchanged" in out
    doctor = await Professional.get(rpps="99000000011")
    assert (doctor.practice_city, doctor.specialty) == ("Lyon", "Médecine générale")


async def test_the_same_rpps_twice_in_one_file_ends_as_one_entry(db, tmp_path, capsys):
    twice = HEADER + GOOD + "99000000029;DUBOIS;Jean;nurse;;;Lyon;69002\n"
    status, out, _ = await _run(_write(tmp_path, twice), capsys)
    assert status == 0
    assert "2 created, 1 updated" in out
    assert (await Professional.get(rpps="99000000029")).practice_city == "Lyon"


async def test_comma_separated_utf8_with_bom_and_extract_headers_are_understood(
        db, tmp_path, capsys):
    text = ("Identifiant PP,Nom d'exercice,Prénom d'exercice,Code profession,"
            "Libellé savoir-faire,Libellé commune (coord. structure),Ignored\n"
            "99000000011,LEFÈVRE,Éloïse,10,Pédiatrie,Lyon,x\n"
            "99000000029,DUBOIS,Jean,60,,Lyon,y\n")
    path = _write(tmp_path, text, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    status, out, err = await _run(path, capsys)
    assert (status, err) == (0, [])
    assert "2 created" in out
    doctor = await Professional.get(rpps="99000000011")
    assert (doctor.profession, doctor.specialty, doctor.last_name) == (
        "physician", "Pédiatrie", "LEFÈVRE")


@pytest.mark.parametrize(("content", "reason"), [
    (None, "No such file"),
    ("", "the file is empty"),
    ("rpps;name\n1;2\n", "missing column(s): last_name, first_name, profession"),
    ("latin-1", "not UTF-8 text"),
])
async def test_a_file_that_cannot_be_read_exits_two(db, tmp_path, capsys, content, reason):
    path = tmp_path / "extract.csv"
    if content == "latin-1":
        path.write_bytes((HEADER + GOOD).encode("latin-1"))
    elif content is not None:
        path.write_text(content)
    status, out, err = await _run(path, capsys)
    assert status == 2
    assert out == ""
    assert len(err) == 1 and reason in err[0] and err[0].startswith("error: cannot read")


async def test_progress_is_shown_on_large_files_when_asked(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(directory_import, "PROGRESS_EVERY", 10)
    rows = "".join(f"99{n:09d};NAME{n};First;nurse;;;Lyon;\n" for n in range(25))
    path = _write(tmp_path, HEADER + rows)
    _, _, quiet = await _run(path, capsys)
    assert quiet == []
    _, _, err = await _run(path, capsys, progress=True)
    assert err == ["... 10 rows read (0 refused so far)", "... 20 rows read (0 refused so far)"]


async def test_a_batch_is_written_whole_or_not_at_all(db, tmp_path, capsys, monkeypatch):
    """A failure while writing a batch (as a killed process would) leaves none of it."""
    monkeypatch.setattr(directory_import, "BATCH_SIZE", 3)
    calls = 0
    original = Professional.bulk_create

    async def fail_on_second_batch(objects, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("killed")
        return await original(objects, *args, **kwargs)

    monkeypatch.setattr(Professional, "bulk_create", fail_on_second_batch)
    rows = "".join(f"99{n:09d};NAME{n};First;nurse;;;Lyon;\n" for n in range(7))
    with pytest.raises(RuntimeError):
        await _run(_write(tmp_path, HEADER + rows), capsys)
    assert sorted(p.rpps for p in await Professional.all()) == [
        f"99{n:09d}" for n in range(3)]


def test_the_help_documents_the_columns_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["directory", "import", "--help"])
    text = capsys.readouterr().out
    for words in ("rpps, last_name, first_name, profession, specialty, practice_name, city",
                  "with or without a byte-order mark", "updates, never duplicates",
                  "Exit status: 0", "--progress"):
        assert words in text.replace("\n", " ").replace("  ", " ")


async def test_twenty_thousand_rows_load_then_reload_without_duplicates(db, tmp_path, capsys):
    professions = ["physician", "Infirmier", "21", "dentist", "Sage-Femme"]
    rows = "".join(f"97{n:09d};NOM{n};Prénom;{professions[n % 5]};;;Ville{n % 300};\n"
                   for n in range(20_000))
    path = _write(tmp_path, HEADER + rows)
    started = time.monotonic()
    status, out, _ = await _run(path, capsys)
    first = time.monotonic() - started
    assert status == 0 and "20000 created" in out
    started = time.monotonic()
    status, out, _ = await _run(path, capsys)
    second = time.monotonic() - started
    assert "0 created, 0 updated, 20000 unchanged" in out
    assert await Professional.all().count() == 20_000
    print(f"20,000 rows: first import {first:.1f} s, second {second:.1f} s")
