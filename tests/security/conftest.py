"""The regulation desk's fixtures (territories 13 and 83, users, dossiers) for the security tests."""

from tests.regulation.conftest import (  # noqa: F401
    arm,
    marseille,
    open_dossier,
    osnp,
    other_territory,
    regulated_dossier,
    regulateur,
    territory,
    toulon,
)
