"""CPTS vacation planning (issue 11; DOMAIN.md §5, the FlexiVac description of seed 002).

Plannings owned by a structure, groups, vacation types, weekly templates, vacations with their
history, distribution rules (``policies``), assignment and transfer services (``services``), the
fair auto-fill (``solver``, OR-Tools CP-SAT over plain dataclasses), platform-owned SAS slots for
assigned vacations (``slots``), statistics and the facts ``remuneration`` reads (``selectors``).
Structures and professionals are read only through ``cpts.selectors.vacations``.
"""
