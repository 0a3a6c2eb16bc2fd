"""Regulator accounts at the agenda editors (flow INT_R02; sas-ig ``specifications_techniques-tous-
gestion_regulateur.md``; DOMAIN.md §2 roles, §3.3 "Regulator accounts are provisioned in editors'
tools as FHIR Practitioner").

For each active source flagged ``manages_regulator_accounts``, the SAS's régulateurs and OSNP of
the source's territory get an account: created with ``POST [base]/Practitioner`` the first time,
updated with ``PUT [base]/Practitioner?identifier=`` afterwards (the identifier the editor knows).

- Identifier: the national one (``8`` + RPPS, ``IDNPS``) when the account carries a valid RPPS,
  else the SAS technical identifier (``INTRN``) until the national one is known; the next update
  carries the national one, asked by the identifier the editor already has.
- ``active`` is true while the user is active, holds the régulateur or OSNP role and acts in the
  source's territory; false otherwise, which withdraws the habilitation at once (no deletion flow).
- Triggered after each sign-in and each change of roles or territories
  (:mod:`sas_platform.identity_hooks`), as Celery tasks enqueued on commit with bounded retries;
  every request and answer is recorded (:class:`~planning.models.RegulatorAccountExchange`).
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from planning.connectors.regulators import (
    NATIONAL_SYSTEM,
    Answer,
    RegulatorAccountConnector,
    practitioner_regul,
)
from planning.models import AgendaSource, RegulatorAccount, RegulatorAccountExchange, RegulatorAccountStatus
from sas_platform.enums import Role
from sas_platform.identifiers import SAS_TECHNICAL_SYSTEM, is_valid_rpps, normalize_rpps, sas_technical_id

REGULATOR_ROLES = (Role.REGULATEUR, Role.OSNP)


class RegulatorSyncRetry(Exception):
    """The editor did not answer, or answered 5xx/429: the task tries again later (bounded)."""


def regulator_identifier(user) -> tuple[str, str]:
    """``(system, value)``: national ``8`` + RPPS when known and valid, else the SAS technical id."""
    if user.rpps and is_valid_rpps(user.rpps):
        return NATIONAL_SYSTEM, f"8{normalize_rpps(user.rpps)}"
    return SAS_TECHNICAL_SYSTEM, sas_technical_id(user.pk)


def regulator_wanted_active(*, user, source: AgendaSource) -> bool:
    """Habilitated at this editor: active account, régulateur or OSNP, in the source's territory."""
    if not (user.is_active and user.has_role(*REGULATOR_ROLES)):
        return False
    if source.departement_id is None:
        return True
    return user.territories.filter(code=source.departement_id).exists()


def _sources_for(user) -> list[AgendaSource]:
    """Flagged active sources where the user is, or has been, a regulator."""
    known = RegulatorAccount.objects.filter(user=user).values("source_id")
    flagged = AgendaSource.objects.filter(is_active=True, manages_regulator_accounts=True)
    if user.is_active and user.has_role(*REGULATOR_ROLES):
        territories = list(user.territories.values_list("code", flat=True))
        return list(
            flagged.filter(Q(departement__isnull=True) | Q(departement_id__in=territories) | Q(pk__in=known))
        )
    return list(flagged.filter(pk__in=known))


def regulator_accounts_enqueue(user_id: int, reason: str) -> int:
    """Identity hook: one sync task per source concerned (run after the commit; returns how many)."""
    from planning.tasks import regulator_account_sync

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    sources = _sources_for(user)
    for source in sources:
        regulator_account_sync.delay(user.pk, source.pk, reason)
    return len(sources)


def _payload(user, source: AgendaSource) -> dict:
    system, value = regulator_identifier(user)
    return practitioner_regul(
        system=system,
        value=value,
        active=regulator_wanted_active(user=user, source=source),
        family=user.last_name or user.email,
        given=user.first_name or "-",
        email=user.email,
    )


def _hash(resource: dict) -> str:
    return hashlib.sha256(json.dumps(resource, sort_keys=True).encode()).hexdigest()


def regulator_account_sync(*, user_id: int, source_id: int, reason: str = "", attempt: int = 1) -> str:
    """Send this user's account to this source if the editor's copy differs; returns the outcome
    (``unchanged``, ``skipped``, ``ok``, ``failed``). Raises :class:`RegulatorSyncRetry` (after
    recording the exchange) when a later attempt may succeed."""
    outcome, answer = _sync(user_id=user_id, source_id=source_id, reason=reason, attempt=attempt)
    if answer is not None and not answer.ok and answer.retryable:
        raise RegulatorSyncRetry(answer.error)
    return outcome


@transaction.atomic
def _sync(*, user_id: int, source_id: int, reason: str, attempt: int) -> tuple[str, Answer | None]:
    user = get_user_model().objects.filter(pk=user_id).first()
    source = AgendaSource.objects.filter(pk=source_id, manages_regulator_accounts=True).first()
    if user is None or source is None or not source.base_url:
        return "skipped", None
    account, _ = RegulatorAccount.objects.get_or_create(source=source, user=user)
    # One sync at a time per account and editor: the row stays locked during the (7 s at most) call.
    account = RegulatorAccount.objects.select_for_update().get(pk=account.pk)
    resource = _payload(user, source)
    digest = _hash(resource)
    if account.acknowledged_at is None and not resource["active"]:
        return "skipped", None  # never created there, nothing to withdraw
    if account.status == RegulatorAccountStatus.OK and account.payload_hash == digest:
        return "unchanged", None
    connector = RegulatorAccountConnector(source)
    if account.acknowledged_at is None:
        answer = connector.send(method="POST", resource=resource)
        _record(account, answer, resource, attempt, reason)
        if answer.status == 422:  # already there (e.g. created before a platform reset): update it
            answer = connector.send(method="PUT", resource=resource, query_identifier=_current(resource))
            _record(account, answer, resource, attempt, reason)
    else:
        known = (account.identifier_system, account.identifier_value)
        answer = connector.send(method="PUT", resource=resource, query_identifier=known)
        _record(account, answer, resource, attempt, reason)
    _update_state(account, answer, resource, digest)
    return ("ok" if answer.ok else "failed"), answer


def _current(resource: dict) -> tuple[str, str]:
    identifier = resource["identifier"][0]
    return identifier["system"], identifier["value"]


def _record(account: RegulatorAccount, answer: Answer, resource: dict, attempt: int, reason: str) -> None:
    RegulatorAccountExchange.objects.create(
        account=account,
        method=answer.method,
        url=answer.url[:500],
        request_body=resource,
        status_code=answer.status,
        response_body=answer.body,
        error=answer.error,
        attempt=attempt,
        reason=reason[:20],
    )


def _update_state(account: RegulatorAccount, answer: Answer, resource: dict, digest: str) -> None:
    now = timezone.now()
    if answer.ok:
        account.identifier_system, account.identifier_value = _current(resource)
        account.active = resource["active"]
        account.payload_hash = digest
        account.acknowledged_at = now
        account.editor_location = answer.location[:300]
        account.status = RegulatorAccountStatus.OK
        account.last_error = ""
    else:
        account.status = RegulatorAccountStatus.FAILED
        account.last_error = answer.error
    account.updated_at = now
    account.save()
