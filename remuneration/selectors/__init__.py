"""Read selectors of `remuneration`, scoped by territory (STYLE.md 10)."""

from remuneration.selectors.baremes import (
    BaremeRow,
    bareme_in_force,
    bareme_rows,
    baremes_list,
    pick_row,
)
from remuneration.selectors.bordereaux import (
    bordereau_get,
    bordereau_lines,
    bordereaux_for_user,
    lines_for_professional,
)

__all__ = [
    "BaremeRow",
    "bareme_in_force",
    "bareme_rows",
    "baremes_list",
    "bordereau_get",
    "bordereau_lines",
    "bordereaux_for_user",
    "lines_for_professional",
    "pick_row",
]
