"""Shared pieces of the regulation API: dossier lookup and the dossier serializers."""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers

from regulation import policies
from regulation.enums import (
    Transition,
)
from regulation.models import Dossier
from sas_platform.enums import AccessPurpose
from sas_platform.events import patient_data_access_write
from sas_platform.exceptions import NotFoundError, PermissionDeniedError

ROUTES = {"amu": Transition.ROUTE_AMU, "general_practice": Transition.ROUTE_GENERAL_PRACTICE}


def dossier_for(pk: int, user, allowed: Callable) -> Dossier:
    dossier = Dossier.objects.filter(pk=pk).first()
    if dossier is None:
        raise NotFoundError("Dossier introuvable.", code="dossier_not_found")
    if not allowed(user, dossier):
        raise PermissionDeniedError("Vous n'avez pas le droit d'agir sur ce dossier.")
    return dossier


class QueueItemSerializer(serializers.Serializer):
    """A dossier in a list: no patient identity (DOMAIN.md §8, minimisation)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    territory = serializers.CharField(source="territory_id")
    state = serializers.CharField()
    priority = serializers.CharField()
    commune = serializers.CharField(source="commune_id")
    picked_up_at = serializers.DateTimeField()
    decision = serializers.CharField()
    holder = serializers.CharField(allow_null=True)


class DossierOutputSerializer(QueueItemSerializer):
    origin = serializers.CharField()
    caller_name = serializers.CharField()
    caller_phone = serializers.CharField()
    caller_relation = serializers.CharField()
    patient_last_name = serializers.CharField()
    patient_first_name = serializers.CharField()
    patient_birth_date = serializers.DateField(allow_null=True)
    patient_age = serializers.IntegerField(allow_null=True)
    patient_sex = serializers.CharField()
    patient_phone = serializers.CharField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()
    care_level = serializers.CharField()
    decision_notes = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    treating_doctor_name = serializers.CharField()
    treating_doctor_call = serializers.CharField()
    orientation_category = serializers.CharField()
    orientation_result = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closure_reason = serializers.CharField()
    allowed_transitions = serializers.SerializerMethodField()

    def get_allowed_transitions(self, dossier) -> list[str]:
        return [str(t) for t in policies.allowed_transitions(dossier.state)]


def dossier_out(dossier: Dossier, request) -> dict:
    """The dossier with its patient data, as an answer: the read is logged (DOMAIN.md §8; issue 13,
    finding 5: claim, release, decide, route, book... answers carry the whole dossier)."""
    log_dossier_read(dossier, request)
    return DossierOutputSerializer(dossier).data


def log_dossier_read(dossier: Dossier, request) -> None:
    """One read-log row for ``request.user`` on ``dossier`` (purpose « API »)."""
    patient_data_access_write(
        actor=request.user, obj=dossier, purpose=AccessPurpose.API, path=request.get_full_path()
    )
