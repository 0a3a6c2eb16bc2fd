"""Default radius and widening step of the 48 h search per département (DOMAIN.md §3.2).

From the national SAS platform's 2025 settings (``planning/data/search_radius_by_departement_2025.csv``,
provenance in ``planning/data/README.md``): Bouches-du-Rhône 10 km then +5 km; Paris 5 km then +3 km.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent / "data" / "search_radius_by_departement_2025.csv"
MAX_WIDENINGS = 6


@dataclass(frozen=True)
class RadiusSettings:
    departement: str
    default_km: float
    step_km: float
    max_km: float

    def radii(self, start_km: float | None = None) -> list[float]:
        """The radii tried in turn: the default, then widened by the step up to the département's radius."""
        first = start_km or self.default_km
        radii = [first]
        while len(radii) <= MAX_WIDENINGS and radii[-1] + self.step_km <= max(self.max_km, first):
            radii.append(radii[-1] + self.step_km)
        return radii


#: Where the source has no figure (Mayotte, Guyane: 0 km), and for an unknown département.
FALLBACK = RadiusSettings(departement="", default_km=10.0, step_km=5.0, max_km=50.0)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[RadiusSettings, float, float]]:
    table = {}
    with CSV_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            default, step = float(row["cityDefaultRadius"]), float(row["enlargementValue"])
            county = float(row["countyRadius"])
            settings = (
                RadiusSettings(row["code"], default, step, max(county, default))
                if default > 0 and step > 0
                else RadiusSettings(row["code"], FALLBACK.default_km, FALLBACK.step_km, FALLBACK.max_km)
            )
            table[row["code"]] = (settings, float(row["barycentreCityLat"]), float(row["barycentreCityLon"]))
    return table


def radius_settings(
    *, departement: str | None = None, latitude: float | None = None, longitude: float | None = None
) -> RadiusSettings:
    """Settings of ``departement``; without one, of the département whose barycentre is nearest."""
    table = _table()
    if departement:
        entry = table.get(departement)
        return (
            entry[0]
            if entry
            else RadiusSettings(departement, FALLBACK.default_km, FALLBACK.step_km, FALLBACK.max_km)
        )
    if latitude is None or longitude is None:
        return FALLBACK
    candidates = [(s, lat, lon) for s, lat, lon in table.values() if lat or lon]
    nearest = min(
        candidates,
        key=lambda item: (item[1] - latitude) ** 2
        + ((item[2] - longitude) * math.cos(math.radians(latitude))) ** 2,
    )
    return nearest[0]
