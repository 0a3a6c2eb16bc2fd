"""Demo dossiers of the SAS 13 (order 30): filled in later."""

from __future__ import annotations

import random


def seed_regulation(rng: random.Random) -> dict:
    return {}
