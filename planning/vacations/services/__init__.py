"""Write services of the vacation planning (typed, keyword-only, atomic, audited)."""

from planning.vacations.services.assignment import (
    vacation_assign,
    vacation_cancel,
    vacation_claim,
    vacation_move,
    vacation_unassign,
)
from planning.vacations.services.done import vacation_confirm
from planning.vacations.services.setup import (
    planning_create,
    planning_delete,
    vacation_delete,
    vacations_generate,
    vacations_publish,
)
from planning.vacations.services.slots import booked_slots_of, vacation_slots_sync
from planning.vacations.services.transfers import (
    transfer_accept,
    transfer_approve,
    transfer_cancel,
    transfer_create,
    transfer_refuse,
    transfers_expire,
)

__all__ = [
    "booked_slots_of",
    "planning_create",
    "planning_delete",
    "transfer_accept",
    "transfer_approve",
    "transfer_cancel",
    "transfer_create",
    "transfer_refuse",
    "transfers_expire",
    "vacation_assign",
    "vacation_cancel",
    "vacation_claim",
    "vacation_confirm",
    "vacation_delete",
    "vacation_move",
    "vacation_slots_sync",
    "vacation_unassign",
    "vacations_generate",
    "vacations_publish",
]
