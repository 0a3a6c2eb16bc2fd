"""RPPS extract importers: the real Pro Santé Connect sample, the libre-accès header, bad input."""

from __future__ import annotations

import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max

from cpts.enums import DataSource, ImportStatus
from cpts.exceptions import ImportFileError
from cpts.imports import rpps_import
from cpts.imports.rpps import read_ahead
from cpts.imports.runs import import_run_create, import_run_execute
from cpts.models import ImportRun, PracticePlace, Professional
from tests.cpts.factories import StructureFactory, valid_rpps

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "rpps"
PSC_SAMPLE = DATA / "Extraction_ProSanteConnect_Personne_activite_202112120512.txt"
LIBRE_ACCES_HEADER = (DATA / "PS_LibreAcces_Personne_activite.header.txt").read_text(encoding="utf-8").strip()
COLUMNS = LIBRE_ACCES_HEADER.rstrip("|").split("|")


def line(**values) -> str:
    """One libre-accès line from ``{header label: value}`` (other columns empty), trailing ``|``."""
    row = [""] * len(COLUMNS)
    for label, value in values.items():
        row[COLUMNS.index(label)] = value
    return "|".join(row) + "|"


def gp(rpps: str, last: str, first: str = "Claire", commune: str = "13201", tech: str = "R1", **extra) -> str:
    values = {
        "Type d'identifiant PP": "8",
        "Identifiant PP": rpps,
        "Identification nationale PP": "8" + rpps,
        "Code civilité d'exercice": "DR",
        "Libellé civilité d'exercice": "Docteur",
        "Nom d'exercice": last,
        "Prénom d'exercice": first,
        "Code profession": "10",
        "Libellé profession": "Médecin",
        "Code savoir-faire": "SM54",
        "Libellé savoir-faire": "Médecine Générale",
        "Code mode exercice": "L",
        "Identifiant technique de la structure": tech,
        "Raison sociale site": "CABINET MEDICAL",
        "Numéro Voie (coord. structure)": "12",
        "Libellé type de voie (coord. structure)": "Rue",
        "Libellé Voie (coord. structure)": "de la République",
        "Code postal (coord. structure)": "13001",
        "Code commune (coord. structure)": commune,
        "Téléphone (coord. structure)": "04 91 00 00 01",
    }
    values.update(extra)
    return line(**values)


def write(tmp_path: Path, lines: list[str], header: str = LIBRE_ACCES_HEADER, encoding="utf-8") -> Path:
    path = tmp_path / "PS_LibreAcces_Personne_activite_test.txt"
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def test_pro_sante_connect_sample_imports_exactly():
    stats = rpps_import(path=PSC_SAMPLE)
    assert stats.file_format == "psc"
    assert stats.summary() == {"read": 10, "created": 9, "updated": 0, "unchanged": 1, "rejected": 0}
    assert Professional.objects.count() == 5
    assert set(Professional.objects.values_list("identifier_type", "identifier")) == {
        ("0", "012800736"),
        ("0", "012800728"),
        ("0", "010000206"),
        ("8", "10107592585"),
        ("8", "10107582544"),
    }
    hire = Professional.objects.get(identifier="10107582544")
    assert hire.identifier_key_valid is False  # kept and flagged, never dropped
    assert (hire.last_name, hire.first_name, hire.profession_code, hire.profession_label) == (
        "HIRE",
        "BRICE",
        "70",
        "Masseur-kinésithérapeute",
    )
    assert hire.source == DataSource.PSC
    pingot = Professional.objects.get(identifier="010000206")
    assert (pingot.profession_code, pingot.profession_label) == ("71", "")  # unknown profession kept
    assert pingot.first_name == "Louis"  # the person's first line wins
    assert PracticePlace.objects.filter(professional__identifier="012800728").count() == 4
    places = {p.rpps_rang: p for p in PracticePlace.objects.filter(professional=hire)}
    assert set(places) == {"R10100000240453", "R10000000833997"}
    corsica = places["R10100000240453"]
    assert (corsica.commune_id, corsica.postal_code, corsica.phone, corsica.email) == (
        "2A104",
        "20117",
        "0678980325",
        "rouleau@gmail.com",
    )
    assert corsica.latitude is not None
    bourg = PracticePlace.objects.get(rpps_rang="C39806996300013")
    assert bourg.commune_id == "01053"  # no INSEE code: found from postal code 01000 + "BOURG EN BRESSE"


def test_rerun_changes_nothing():
    rpps_import(path=PSC_SAMPLE)
    stamp = Professional.objects.aggregate(Max("updated_at"))
    stats = rpps_import(path=PSC_SAMPLE)
    assert stats.summary() == {"read": 10, "created": 0, "updated": 0, "unchanged": 10, "rejected": 0}
    assert Professional.objects.aggregate(Max("updated_at")) == stamp


def test_libre_acces_header_variants_and_cities(tmp_path):
    header = LIBRE_ACCES_HEADER.replace("(coord. structure)", "(coord. Structure)").upper()
    a, b = valid_rpps(1), valid_rpps(2)
    path = write(
        tmp_path,
        [gp(a, "MARTIN", commune="13055", tech="R1"), gp(b, "DURAND", commune="13201", tech="R2")],
        header=header,
    )
    stats = rpps_import(path=path)
    assert stats.file_format == "rpps"
    assert stats.summary() == {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    martin = Professional.objects.get(identifier=a)
    assert (martin.civility, martin.specialty_code, martin.specialty_label) == (
        "Docteur",
        "SM54",
        "Médecine Générale",
    )
    assert martin.identifier_key_valid is True
    assert {p.commune_id for p in PracticePlace.objects.all()} == {"13055", "13201"}
    place = PracticePlace.objects.get(professional=martin)
    assert (place.address, place.phone, place.exercise_mode) == ("12 Rue de la République", "0491000001", "L")


def test_bad_lines_are_rejected_with_reasons_and_the_rest_imported(tmp_path):
    good, other = valid_rpps(10), valid_rpps(11)
    invalid_key = "10000000001"
    lines = [
        gp(good, "MARTIN"),  # 2
        gp("1234", "COURT"),  # 3
        gp(valid_rpps(12), "NULLEPART", commune="99999"),  # 4
        gp(good, "MARTIN"),  # 5: same activity again
        gp(invalid_key, "CLE"),  # 6: kept, flagged
        "8|" + other + "|8" + other + "|DR",  # 7: truncated
        line(
            **{
                "Type d'identifiant PP": "5",
                "Identifiant PP": "123",
                "Nom d'exercice": "X",
                "Code profession": "10",
            }
        ),
        gp(valid_rpps(13), "SANS NOM", **{"Nom d'exercice": ""}),  # 9
    ]
    path = write(tmp_path, lines)
    with path.open("ab") as handle:  # 10: a line in Latin-1
        handle.write(gp(valid_rpps(14), "HÉLÈNE").encode("latin-1") + b"\n")
    stats = rpps_import(path=path)
    assert stats.summary() == {"read": 9, "created": 2, "updated": 0, "unchanged": 0, "rejected": 7}
    assert stats.rejections == [
        {"line": 3, "reason": "identifiant RPPS « 1234 » mal formé (11 chiffres attendus)"},
        {"line": 4, "reason": "code commune INSEE « 99999 » inconnu"},
        {"line": 5, "reason": "activité en double : même professionnel et même lieu qu'à la ligne 2"},
        {"line": 7, "reason": f"ligne incomplète : 4 colonnes au lieu de {len(COLUMNS)}"},
        {"line": 8, "reason": "type d'identifiant « 5 » inconnu (8 = RPPS, 0 = ADELI)"},
        {"line": 9, "reason": "nom d'exercice manquant"},
        {"line": 10, "reason": "caractères illisibles : le fichier doit être encodé en UTF-8"},
    ]
    assert set(Professional.objects.values_list("identifier", "identifier_key_valid")) == {
        (good, True),
        (invalid_key, False),
    }


def test_rerun_after_a_fix_imports_only_what_changed(tmp_path):
    a, b = valid_rpps(20), valid_rpps(21)
    rpps_import(path=write(tmp_path, [gp(a, "MARTIN"), gp(b, "DURAND", commune="99999")]))
    fixed = write(tmp_path, [gp(a, "MARTIN"), gp(b, "DURAND", commune="13201")])
    stats = rpps_import(path=fixed)
    assert stats.summary() == {"read": 2, "created": 1, "updated": 0, "unchanged": 1, "rejected": 0}
    moved = write(tmp_path, [gp(a, "MARTIN", commune="13202"), gp(b, "DURAND", commune="13201")])
    stats = rpps_import(path=moved)
    assert stats.summary() == {"read": 2, "created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    assert PracticePlace.objects.get(professional__identifier=a).commune_id == "13202"


def test_places_link_to_known_structures(tmp_path):
    msp = StructureFactory(msp=True, finess="130000001")
    rpps_import(path=write(tmp_path, [gp(valid_rpps(30), "MARTIN", **{"Numéro FINESS site": "130000001"})]))
    assert PracticePlace.objects.get().structure == msp


def test_unknown_header_imports_nothing(tmp_path):
    path = write(tmp_path, ["a;b;c"], header="nom;prenom;ville")
    with pytest.raises(
        ImportFileError, match="En-tête non reconnu : colonnes manquantes : Type d'identifiant PP"
    ):
        rpps_import(path=path)
    assert not Professional.objects.exists()


def test_batches_end_at_person_boundaries(tmp_path, monkeypatch):
    monkeypatch.setattr("cpts.imports.rpps.run.BATCH_SIZE", 2)
    a, b = valid_rpps(40), valid_rpps(41)
    lines = [gp(a, "MARTIN", tech=f"R{n}") for n in range(3)] + [gp(b, "DURAND", tech="R9")]
    stats = rpps_import(path=write(tmp_path, lines))
    assert stats.summary() == {"read": 4, "created": 4, "updated": 0, "unchanged": 0, "rejected": 0}
    assert PracticePlace.objects.filter(professional__identifier=a).count() == 3


def test_command_prints_the_summary_last(tmp_path):
    out, err = StringIO(), StringIO()
    call_command("import_rpps", str(PSC_SAMPLE), stdout=out, stderr=err)
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {
        "read": 10,
        "created": 9,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
    }


def test_command_on_unreadable_file_fails_with_french_message(tmp_path):
    path = write(tmp_path, [], header="rien à voir")
    out = StringIO()
    with pytest.raises(CommandError, match="En-tête non reconnu"):
        call_command("import_rpps", str(path), stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue().strip().splitlines()[-1])["read"] == 0


def test_import_run_records_progress_and_report():
    run = import_run_create(kind="rpps", file_name=PSC_SAMPLE.name, file_path=str(PSC_SAMPLE), actor=None)
    import_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert run.file_format == "psc"
    assert (run.read, run.created, run.unchanged, run.rejected) == (10, 9, 1, 0)
    assert run.progress_done == run.progress_total == PSC_SAMPLE.stat().st_size
    assert run.started_at <= run.finished_at


def test_a_changed_person_is_updated_in_place(tmp_path):
    a = valid_rpps(50)
    rpps_import(path=write(tmp_path, [gp(a, "MARTIN", first="Claire")]))
    pk = Professional.objects.get(identifier=a).pk
    stats = rpps_import(path=write(tmp_path, [gp(a, "MARTIN-DUPONT", first="Claire")]))
    assert stats.summary() == {"read": 1, "created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    person = Professional.objects.get(identifier=a)
    assert (person.pk, person.last_name, person.search_name) == (pk, "MARTIN-DUPONT", "martin dupont claire")


def test_full_extract_marks_vanished_places_inactive_never_deletes(tmp_path):
    stays, leaves, moves = valid_rpps(60), valid_rpps(61), valid_rpps(62)
    rpps_import(
        path=write(
            tmp_path,
            [
                gp(stays, "MARTIN", tech="R1"),
                gp(leaves, "DURAND", tech="R2"),
                gp(moves, "PETIT", tech="R3"),
                gp(moves, "PETIT", tech="R4"),
            ],
        )
    )
    manual = PracticePlace.objects.create(
        professional=Professional.objects.get(identifier=leaves), source_key="fhir:abc", name="Hors RPPS"
    )
    new_file = write(tmp_path, [gp(stays, "MARTIN", tech="R1"), gp(moves, "PETIT", tech="R4")])

    partial = rpps_import(path=new_file)  # without --full, nothing is deactivated
    assert partial.deactivated is None
    assert PracticePlace.objects.filter(is_active=False).count() == 0

    stats = rpps_import(path=new_file, full=True)
    assert stats.summary() == {
        "read": 2,
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "rejected": 0,
        "deactivated": 2,
    }
    assert set(PracticePlace.objects.values_list("rpps_rang", "is_active")) == {
        ("R1", True),
        ("R2", False),  # the professional left the extract
        ("R3", False),  # one of their activities ended
        ("R4", True),
        ("", True),  # not an RPPS place: untouched
    }
    assert PracticePlace.objects.count() == 5 and Professional.objects.count() == 3
    manual.refresh_from_db()
    assert manual.is_active is True

    again = rpps_import(path=new_file, full=True)  # idempotent
    assert (again.unchanged, again.deactivated) == (2, 0)

    back = rpps_import(path=write(tmp_path, [gp(leaves, "DURAND", tech="R2")]))  # reappears: active again
    assert back.summary()["updated"] == 1
    assert PracticePlace.objects.get(rpps_rang="R2").is_active is True


def test_full_extract_keeps_the_places_of_a_professional_with_a_rejected_line(tmp_path):
    a, b = valid_rpps(70), valid_rpps(71)
    rpps_import(path=write(tmp_path, [gp(a, "MARTIN", tech="R1"), gp(b, "DURAND", tech="R2")]))
    broken = write(tmp_path, [gp(a, "MARTIN", tech="R1", commune="99999")])  # a's line rejected, b absent
    stats = rpps_import(path=broken, full=True)
    assert (stats.rejected, stats.deactivated) == (1, 1)
    assert set(PracticePlace.objects.values_list("rpps_rang", "is_active")) == {("R1", True), ("R2", False)}


def test_command_full_option_reports_deactivated_places(tmp_path):
    a, b = valid_rpps(80), valid_rpps(81)
    rpps_import(path=write(tmp_path, [gp(a, "MARTIN", tech="R1"), gp(b, "DURAND", tech="R2")]))
    out = StringIO()
    call_command(
        "import_rpps",
        str(write(tmp_path, [gp(a, "MARTIN", tech="R1")])),
        "--full",
        stdout=out,
        stderr=StringIO(),
    )
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {
        "read": 1,
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
        "deactivated": 1,
    }
    run = ImportRun.objects.get()
    assert (run.full_extract, run.deactivated, run.status) == (True, 1, ImportStatus.DONE)


def test_only_an_rpps_import_can_be_full():
    with pytest.raises(ImportFileError, match="Seule une extraction RPPS"):
        import_run_create(
            kind="fhir", file_name="x.json", file_path="/tmp/x.json", actor=None, full_extract=True
        )
    assert not ImportRun.objects.exists()


def test_a_failed_batch_stops_the_import_and_its_reading_thread(tmp_path, monkeypatch):
    monkeypatch.setattr("cpts.imports.rpps.run.BATCH_SIZE", 1)
    calls = []

    def broken_flush(batch, stats, source, seen):
        calls.append(len(batch.lines))
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("cpts.imports.rpps.run.batch_write", broken_flush)
    lines = [gp(valid_rpps(90 + n), "MARTIN", tech=f"R{n}") for n in range(10)]
    with pytest.raises(RuntimeError, match="base indisponible"):
        rpps_import(path=write(tmp_path, lines))
    assert calls == [1]
    assert not [t for t in threading.enumerate() if t.name == "rpps-parse"]


def test_reading_ahead_raises_the_readers_error_in_order():
    def items():
        yield 1
        yield 2
        raise ValueError("illisible")

    got = []
    with pytest.raises(ValueError, match="illisible"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]
