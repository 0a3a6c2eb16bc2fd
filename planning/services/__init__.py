"""Write services of `planning`: typed, keyword-only, atomic, audited (STYLE.md 1, 4, 9).

- Sources and ingestion (DOMAIN.md §3.3, ARCHITECTURE.md "How data flows" 1): poll a source,
  upsert idempotently, mark vanished slots gone, record the run and the source's health.
- Slot holds and bookings (DOMAIN.md §3.1 step 3, §3.3): conditional UPDATEs, never check-then-set.
- Declared availability (DOMAIN.md §3.3 last point, §4): blocks → platform-owned slots.

A package split by theme (STYLE.md: past ~400 lines); everything importable from
``planning.services`` before stays importable here. Submodules: ``sources`` (sources, polls),
``ingest`` (rows, run, health), ``upsert`` (PostgreSQL and ORM upserts), ``replay`` (saved bundles), ``bookings`` (re-check, holds, bookings),
``declared`` (declared availability), ``regulators`` (INT_R02 accounts), ``retention`` (past slots, old runs). Patch a helper in the submodule that uses it.
"""

from __future__ import annotations

import logging

from planning.services.bookings import (
    slot_book_owned,
    slot_confirm_booking,
    slot_hold,
    slot_holds_release_expired,
    slot_mark_cancelled,
    slot_recheck,
    slot_release,
)
from planning.services.declared import (
    DECLARED_FIELDS,
    declared_availability_create,
    declared_availability_remove,
    declared_availability_update,
    declared_slots_generate,
)
from planning.services.fhir_access import (
    fhir_client_certificate_register,
    fhir_client_create,
    fhir_consumer_grant,
)
from planning.services.ingest import slots_ingest
from planning.services.regulators import (
    RegulatorSyncRetry,
    regulator_account_sync,
    regulator_accounts_enqueue,
    regulator_identifier,
    regulator_wanted_active,
)
from planning.services.replay import (
    bundle_replay,
)
from planning.services.retention import planning_purge
from planning.services.sources import (
    LOCK_SECONDS,
    source_create,
    source_feedback_token_set,
    source_known_hashes,
    source_poll,
    source_poll_lock_key,
    source_run_request,
    source_schedule_ensure,
    token_hash,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DECLARED_FIELDS",
    "LOCK_SECONDS",
    "RegulatorSyncRetry",
    "bundle_replay",
    "declared_availability_create",
    "declared_availability_remove",
    "declared_availability_update",
    "declared_slots_generate",
    "fhir_client_certificate_register",
    "fhir_client_create",
    "fhir_consumer_grant",
    "planning_purge",
    "regulator_account_sync",
    "regulator_accounts_enqueue",
    "regulator_identifier",
    "regulator_wanted_active",
    "slot_book_owned",
    "slot_confirm_booking",
    "slot_hold",
    "slot_holds_release_expired",
    "slot_mark_cancelled",
    "slot_recheck",
    "slot_release",
    "slots_ingest",
    "source_create",
    "source_feedback_token_set",
    "source_known_hashes",
    "source_poll",
    "source_poll_lock_key",
    "source_run_request",
    "source_schedule_ensure",
    "token_hash",
]
