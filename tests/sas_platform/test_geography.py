"""French geography: loader, Marseille from its arrondissements, search, distances (issue 2, item 5)."""

import csv
import shutil

import pytest
from django.core.management import call_command

from sas_platform.enums import AuditEventType, CommuneType
from sas_platform.geo import bounding_box, haversine_km, search_key
from sas_platform.models import AuditEvent, Commune, CommuneName, Departement, PostalCode, Region
from sas_platform.selectors import commune_get, communes_search
from sas_platform.services import GEO_DATA_DIR, geography_load

MARSEILLE_ARRONDISSEMENTS = [f"132{n:02d}" for n in range(1, 17)]


def _csv_rows(name: str) -> list[dict]:
    with (GEO_DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- Loader ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_second_load_changes_nothing():
    total = Commune.objects.count()
    postal_codes, former_names = PostalCode.objects.count(), CommuneName.objects.count()
    events = AuditEvent.objects.count()

    stats = geography_load()

    assert stats.communes_unchanged == total
    assert stats.communes_created == 0
    assert stats.communes_updated == 0
    assert stats.postal_codes_created == 0
    assert stats.postal_codes_deleted == 0
    assert stats.former_names_created == 0
    assert stats.skipped == []
    assert Commune.objects.count() == total
    assert PostalCode.objects.count() == postal_codes
    assert CommuneName.objects.count() == former_names
    assert AuditEvent.objects.count() == events  # nothing changed, nothing audited


@pytest.mark.django_db
def test_loaded_counts_match_reference_files():
    regions = {row["insee_reg"] for row in _csv_rows("regions.csv")}
    departements = {row["insee_dep"] for row in _csv_rows("departements.csv")}
    communes = {row["insee_com"] for row in _csv_rows("communes.csv") if row["commune_type"] != "COMD"}
    assert Region.objects.count() == len(regions)
    assert Departement.objects.count() == len(departements)
    # Every COM/ARM of the file, plus Paris, Lyon and Marseille built from their arrondissements.
    assert Commune.objects.count() == len(communes) + 3
    assert set(
        Commune.objects.filter(insee_code__in=["75056", "69123", "13055"]).values_list("name", flat=True)
    ) == {
        "Paris",
        "Lyon",
        "Marseille",
    }


@pytest.mark.django_db
def test_load_geography_command_reports_stats_as_json(capsys):
    call_command("load_geography", verbosity=0)
    out = capsys.readouterr().out
    assert '"communes_created": 0' in out
    assert '"communes_updated": 0' in out
    assert f'"communes_unchanged": {Commune.objects.count()}' in out


@pytest.mark.django_db
def test_changed_reference_file_updates_the_commune_and_audits(tmp_path):
    for name in ("regions.csv", "departements.csv"):
        shutil.copy(GEO_DATA_DIR / name, tmp_path / name)
    rows = [row for row in _csv_rows("communes.csv") if row["insee_dep"] == "13"]
    for row in rows:
        if row["insee_com"] == "13028":  # La Ciotat
            row["population_2021"] = "40000"
    with (tmp_path / "communes.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    stats = geography_load(directory=tmp_path, departements={"13"})

    assert stats.communes_updated == 1
    assert stats.communes_created == 0
    assert Commune.objects.get(insee_code="13028").population_2021 == 40000
    event = AuditEvent.objects.filter(event_type=AuditEventType.GEOGRAPHY_LOADED).first()
    assert event.params["communes_updated"] == 1
    assert event.actor is None
    assert event.actor_label == "système"


# --- Marseille (13055) from its 16 arrondissements -------------------------------------------
@pytest.mark.django_db
def test_marseille_is_built_from_its_16_arrondissements():
    marseille = Commune.objects.get(insee_code="13055")
    arrondissements = Commune.objects.filter(parent=marseille)

    assert marseille.name == "Marseille"
    assert marseille.type == CommuneType.COMMUNE
    assert marseille.parent is None
    assert marseille.departement_id == "13"
    assert sorted(arrondissements.values_list("insee_code", flat=True)) == MARSEILLE_ARRONDISSEMENTS
    assert set(arrondissements.values_list("type", flat=True)) == {CommuneType.ARRONDISSEMENT}
    file_population = sum(
        int(row["population_2021"]) for row in _csv_rows("communes.csv") if row["insee_parente"] == "13055"
    )
    assert marseille.population_2021 == sum(a.population_2021 for a in arrondissements) == file_population
    assert marseille.population_2021 == 873076


@pytest.mark.django_db
def test_marseille_centroid_is_inside_marseille():
    marseille = Commune.objects.get(insee_code="13055")
    # Within the city's extent (the arrondissements' centroids) and near the Vieux-Port.
    arrondissements = Commune.objects.filter(parent=marseille)
    assert (
        min(a.latitude for a in arrondissements)
        < marseille.latitude
        < max(a.latitude for a in arrondissements)
    )
    assert (
        min(a.longitude for a in arrondissements)
        < marseille.longitude
        < max(a.longitude for a in arrondissements)
    )
    assert haversine_km(marseille.latitude, marseille.longitude, 43.2965, 5.3698) < 6


@pytest.mark.django_db
def test_marseille_has_the_postal_codes_of_its_arrondissements():
    codes = set(PostalCode.objects.filter(commune_id="13055").values_list("code", flat=True))
    assert codes == {f"130{n:02d}" for n in range(1, 17)}


@pytest.mark.django_db
def test_arrondissement_points_to_its_city():
    first = commune_get(insee_code="13201")
    assert first.name == "Marseille 1er Arrondissement"
    assert first.parent.insee_code == "13055"
    assert list(first.postal_codes.values_list("code", flat=True)) == ["13001"]
    assert Commune.objects.get(insee_code="69381").parent_id == "69123"
    assert Commune.objects.get(insee_code="75101").parent_id == "75056"


@pytest.mark.django_db
def test_commune_get_unknown_returns_none():
    assert commune_get(insee_code="99999") is None


@pytest.mark.django_db
def test_corsica_and_overseas_communes():
    assert Commune.objects.get(insee_code="2A004").departement_id == "2A"
    assert Commune.objects.get(insee_code="97411").departement_id == "974"


# --- Search ---------------------------------------------------------------------------------
def _codes(query: str, **kwargs) -> list[str]:
    return [c.insee_code for c in communes_search(query=query, **kwargs)]


@pytest.mark.django_db
def test_search_by_postal_code_puts_the_arrondissement_first():
    codes = _codes("13001")
    assert codes[:2] == ["13201", "13055"]  # Marseille 1er, then Marseille
    assert codes[2] == "13001"  # INSEE code of Aix-en-Provence, after the postal code


@pytest.mark.django_db
def test_search_by_postal_code_shared_by_two_communes():
    # 13600 serves La Ciotat and Ceyreste: the most populated first.
    assert _codes("13600") == ["13028", "13023"]
    assert _codes("13 600") == ["13028", "13023"]


@pytest.mark.django_db
def test_search_by_postal_code_prefix_limits_results():
    codes = _codes("130", limit=5)
    assert len(codes) == 5
    assert codes[0] == "13055"  # most populated wins on prefixes


@pytest.mark.django_db
def test_search_accent_insensitive_partial_words():
    assert _codes("aix en prov")[0] == "13001"
    assert _codes("AIX-EN-PROVENCE")[0] == "13001"
    assert _codes("ile rousse")[0] == "2B134"
    assert _codes("Île-Rousse")[0] == "2B134"


@pytest.mark.django_db
def test_search_with_or_without_article():
    assert _codes("la ciotat") == ["13028"]
    assert _codes("ciotat") == ["13028"]
    assert _codes("l'ile rousse")[0] == "2B134"
    assert _codes("les rousses")[0] == "39470"


@pytest.mark.django_db
def test_search_exact_name_before_longer_names():
    codes = _codes("marseille")
    assert codes[0] == "13055"
    assert set(codes[1:17]) == set(MARSEILLE_ARRONDISSEMENTS)


@pytest.mark.django_db
def test_search_saint_abbreviation():
    results = communes_search(query="st remy de prov")
    assert [c.insee_code for c in results] == ["13100"]


@pytest.mark.django_db
def test_search_finds_former_names():
    # Bellegarde-sur-Valserine merged into Valserhône (COMD in the reference file).
    assert CommuneName.objects.filter(commune_id="01033", name="Bellegarde-sur-Valserine").exists()
    assert _codes("bellegarde sur valserine") == ["01033"]


@pytest.mark.django_db
def test_search_restricted_to_departements():
    assert "13055" not in _codes("marseille", departements=["60"])
    assert _codes("marseille", departements=["60"]) == ["60387"]  # Marseille-en-Beauvaisis


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "   ", "'-'", None])
def test_search_empty_query_returns_nothing(query):
    assert communes_search(query=query) == []


@pytest.mark.django_db
def test_search_no_match():
    assert communes_search(query="xyzzyville") == []


@pytest.mark.django_db
def test_search_query_count(django_assert_num_queries):
    # One query for the communes, one for their postal codes (their labels: issue 9 point 9).
    with django_assert_num_queries(2):
        results = communes_search(query="aix")
        assert all(c.departement.code for c in results)
        assert all(c.label for c in results)


# --- Distances and keys ---------------------------------------------------------------------
def test_haversine_marseille_aix_worked_example():
    assert haversine_km(43.2965, 5.3698, 43.5297, 5.4474) == pytest.approx(26.6, abs=0.5)


def test_haversine_is_symmetric_and_zero_on_same_point():
    assert haversine_km(43.5297, 5.4474, 43.2965, 5.3698) == haversine_km(43.2965, 5.3698, 43.5297, 5.4474)
    assert haversine_km(43.2965, 5.3698, 43.2965, 5.3698) == 0


def test_haversine_paris_lyon():
    assert haversine_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(391.5, abs=1)


def test_bounding_box_encloses_the_circle():
    min_lat, max_lat, min_lon, max_lon = bounding_box(43.2965, 5.3698, 10)
    assert (min_lat, max_lat) == (pytest.approx(43.2066, abs=1e-3), pytest.approx(43.3864, abs=1e-3))
    assert (min_lon, max_lon) == (pytest.approx(5.2462, abs=1e-3), pytest.approx(5.4934, abs=1e-3))
    # The box's edges are 10 km from the centre along the axes.
    assert haversine_km(43.2965, 5.3698, max_lat, 5.3698) == pytest.approx(10, abs=0.01)
    assert haversine_km(43.2965, 5.3698, 43.2965, max_lon) == pytest.approx(10, abs=0.05)


@pytest.mark.django_db
def test_bounding_box_prefilter_then_haversine_finds_aix_from_marseille():
    marseille = Commune.objects.get(insee_code="13055")
    min_lat, max_lat, min_lon, max_lon = bounding_box(marseille.latitude, marseille.longitude, 30)
    near = Commune.objects.filter(
        latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon), departement_id="13"
    )
    within = {
        c.insee_code
        for c in near
        if haversine_km(marseille.latitude, marseille.longitude, c.latitude, c.longitude) <= 30
    }
    assert "13001" in within  # Aix-en-Provence
    assert "13004" not in within  # Arles is about 75 km away


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("L'Île-Rousse", "l ile rousse"),
        ("Aix-en-Provence", "aix en provence"),
        ("St-Rémy-de-Provence", "saint remy de provence"),
        ("Ste-Maxime", "sainte maxime"),
        ("Œuilly", "oeuilly"),
        ("", ""),
    ],
)
def test_search_key(text, key):
    assert search_key(text) == key
