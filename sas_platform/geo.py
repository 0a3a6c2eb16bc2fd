"""Distance and text helpers for geography (pure functions)."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points.

    Marseille (43.2965, 5.3698) to Aix-en-Provence (43.5297, 5.4474) is about 26.6 km.
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def km_rounded(value: float) -> Decimal:
    """THE rounding of a distance shown to people: to 0.1 km, half up, from the value as printed.

    Every screen and sentence (a results column, a rank's reason, a candidate list) goes through
    it, so "8,2 km" in a column and "à 8,1 km" in the reason cannot both appear (issue 9).
    """
    return Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def km_label(value: float) -> str:
    """« 8,2 km » (French decimal comma), from :func:`km_rounded`."""
    return f"{km_rounded(value)}".replace(".", ",") + " km"


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle: a cheap pre-filter for SQL."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def search_key(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: ``"L'Île-Rousse"`` → ``"l ile rousse"``.

    ``Saint``/``Sainte`` abbreviations are expanded so ``St-Rémy`` finds ``Saint-Rémy``.
    """
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    words = _NON_ALNUM.sub(" ", ascii_text).split()
    expanded = [{"st": "saint", "ste": "sainte"}.get(word, word) for word in words]
    return " ".join(expanded)
