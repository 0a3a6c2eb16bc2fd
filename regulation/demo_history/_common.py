"""Shared pieces of the demo history: volumes, stories, reasons and the dossier walk."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from regulation.enums import (
    Transition,
)
from regulation.events import RegulationEvent
from regulation.models import Dossier
from regulation.services.workflow import transition_check

DAYS = 21
#: Calls per hour of the day (relative weights: mornings and early evenings peak; DOMAIN.md §3.1).
HOURLY = [2, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 7, 6, 6, 6, 7, 9, 10, 9, 7, 5, 4, 3]
STORIES = {
    "amu": 14,
    "advice": 14,
    "prescription": 5,
    "emergency": 5,
    "treating_doctor": 10,
    "slot": 30,
    "surnumeraire": 15,
    "unknown": 4,
    "pdsa": 3,
}
REASONS = [
    "Fièvre à 39 °C depuis 2 jours",
    "Douleur lombaire aiguë",
    "Brûlures urinaires",
    "Otalgie chez un enfant",
    "Toux persistante, pas de gêne respiratoire",
    "Entorse de cheville",
    "Éruption cutanée",
    "Gastro-entérite, vomissements",
    "Renouvellement de traitement impossible",
    "Douleur dentaire",
    "Conjonctivite",
    "Malaise sans perte de connaissance",
]


@dataclass
class Walk:
    """One dossier being written: its state follows the state machine as events are added."""

    dossier: Dossier
    events: list[tuple[dt.datetime, str, object, dict]] = field(default_factory=list)

    def event(self, at: dt.datetime, event: RegulationEvent, actor, **params) -> None:
        self.events.append((at, event.value, actor, params))

    def move(self, transition: Transition, at: dt.datetime) -> None:
        # The services' own check: the demo tells the same story as the desk (or fails loudly).
        self.dossier.state = transition_check(self.dossier, transition)
        self.dossier.updated_at = at


def later(at: dt.datetime, rng: random.Random, low: float, high: float) -> dt.datetime:
    """``at`` plus between ``low`` and ``high`` minutes."""
    return at + dt.timedelta(seconds=round(rng.uniform(low, high) * 60))
