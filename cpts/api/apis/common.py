"""What the APIs of `cpts` share: the errors of a denial and of an object out of reach, and the
nested serializers of a structure, a participation and a place."""

from __future__ import annotations

from rest_framework import serializers

from cpts.models import SasParticipation
from sas_platform.exceptions import NotFoundError, PermissionDeniedError


def deny() -> PermissionDeniedError:
    return PermissionDeniedError("Vous n'avez pas le droit d'effectuer cette action.")


def not_found(what: str) -> NotFoundError:
    return NotFoundError(f"{what} introuvable.")


class StructureRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()


class ParticipationOutputSerializer(serializers.ModelSerializer):
    structure = StructureRefSerializer(allow_null=True)

    class Meta:
        model = SasParticipation
        fields = [
            "id",
            "professional_id",
            "mode",
            "structure",
            "accepts_surnumeraire",
            "visibility",
            "start_date",
            "end_date",
            "consent_recorded_at",
        ]


class PlaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = serializers.CharField(source="commune_id", allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    phone = serializers.CharField()
    structure = StructureRefSerializer(allow_null=True)
    is_active = serializers.BooleanField()
