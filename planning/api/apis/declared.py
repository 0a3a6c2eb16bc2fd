"""``declared-availabilities/``: the effecteur's own declared availability (DOMAIN.md §3.3, §4)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from planning import permissions, selectors, services
from planning.api.apis._common import deny
from planning.enums import AvailabilityKind, Modality
from planning.models import DeclaredAvailability
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import NotFoundError


# --- Declared availability (the effecteur's own) --------------------------------------------------
class DeclaredAvailabilityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    weekday = serializers.IntegerField(allow_null=True, help_text="0 = lundi … 6 = dimanche.")
    date = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    modalities = serializers.ListField(child=serializers.CharField())
    patients = serializers.IntegerField()
    place = serializers.IntegerField(source="place_id", allow_null=True)


class DeclaredAvailabilityInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AvailabilityKind.choices)
    weekday = serializers.IntegerField(min_value=0, max_value=6, required=False, allow_null=True)
    date = serializers.DateField(required=False, allow_null=True)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    modalities = serializers.ListField(child=serializers.ChoiceField(choices=Modality.choices), min_length=1)
    patients = serializers.IntegerField(min_value=1, max_value=20, default=1)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def validate(self, data):
        kind = data.get("kind", getattr(self.instance, "kind", None))
        weekday = data.get("weekday", getattr(self.instance, "weekday", None))
        day = data.get("date", getattr(self.instance, "date", None))
        if kind == AvailabilityKind.WEEKLY and weekday is None:
            raise serializers.ValidationError({"weekday": ["Choisissez le jour de la semaine."]})
        if kind == AvailabilityKind.ONE_OFF and day is None:
            raise serializers.ValidationError({"date": ["Choisissez la date."]})
        if kind == AvailabilityKind.ONE_OFF and day < timezone.localdate():
            raise serializers.ValidationError({"date": ["La date est passée."]})
        start = data.get("start_time", getattr(self.instance, "start_time", None))
        end = data.get("end_time", getattr(self.instance, "end_time", None))
        if start and end and end <= start:
            raise serializers.ValidationError({"end_time": ["La fin doit suivre le début."]})
        return data


class DeclaredWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    meets_two_hours_rule = serializers.BooleanField()


AVAILABILITY_EXAMPLE = {
    "kind": "weekly",
    "weekday": 1,
    "start_time": "14:00",
    "end_time": "16:00",
    "modalities": ["AMB", "VR"],
    "patients": 4,
}


def _professional_or_403(user):
    if not permissions.can_declare_availability(user):
        raise deny("Réservé au médecin effecteur rattaché à sa fiche de l'annuaire.")
    return user.professional


def _own_availability(user, pk: int) -> DeclaredAvailability:
    professional = _professional_or_403(user)
    block = selectors.declared_availabilities_of(professional=professional).filter(pk=pk).first()
    if block is None:
        raise NotFoundError("Disponibilité introuvable.", code="availability_not_found")
    return block


class DeclaredAvailabilityListApi(APIView):
    """My declared blocks, and my declared hours for this week and the next three (2 h/week rule)."""

    class OutputSerializer(serializers.Serializer):
        results = DeclaredAvailabilityOutputSerializer(many=True)
        weeks = DeclaredWeekSerializer(many=True)

    @extend_schema(
        summary="Mes disponibilités déclarées",
        operation_id="declared_availabilities_list",
        responses={200: OutputSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request):
        professional = _professional_or_403(request.user)
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        weeks = []
        for n in range(4):
            week_start = monday + timedelta(days=7 * n)
            hours = selectors.declared_hours_per_week(professional=professional, week_start=week_start)
            weeks.append({"week_start": week_start, "hours": hours, "meets_two_hours_rule": hours >= 2})
        blocks = selectors.declared_availabilities_of(professional=professional)
        return Response(self.OutputSerializer({"results": blocks, "weeks": weeks}).data)


class DeclaredAvailabilityCreateApi(APIView):
    @extend_schema(
        summary="Déclarer une disponibilité",
        description="Bloc hebdomadaire ou ponctuel ; ses créneaux (un par patient) sont proposés au SAS.",
        request=DeclaredAvailabilityInputSerializer,
        responses={201: DeclaredAvailabilityOutputSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample("Mardi 14 h-16 h, 4 patients", request_only=True, value=AVAILABILITY_EXAMPLE)
        ],
    )
    def post(self, request):
        professional = _professional_or_403(request.user)
        serializer = DeclaredAvailabilityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        block = services.declared_availability_create(
            professional=professional, actor=request.user, **serializer.validated_data
        )
        return Response(DeclaredAvailabilityOutputSerializer(block).data, status=status.HTTP_201_CREATED)


class DeclaredAvailabilityDetailApi(APIView):
    @extend_schema(
        summary="Une de mes disponibilités",
        responses={200: DeclaredAvailabilityOutputSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        return Response(DeclaredAvailabilityOutputSerializer(_own_availability(request.user, pk)).data)


class DeclaredAvailabilityUpdateApi(APIView):
    @extend_schema(
        summary="Modifier une de mes disponibilités",
        description=(
            "Champs envoyés seulement. Les créneaux libres à venir suivent ; les créneaux déjà retenus ou "
            "pris ne bougent pas."
        ),
        request=DeclaredAvailabilityInputSerializer(partial=True),
        responses={
            200: DeclaredAvailabilityOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        examples=[OpenApiExample("Jusqu'à 17 h", request_only=True, value={"end_time": "17:00"})],
    )
    def post(self, request, pk: int):
        block = _own_availability(request.user, pk)
        serializer = DeclaredAvailabilityInputSerializer(block, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        block = services.declared_availability_update(
            availability=block, actor=request.user, **serializer.validated_data
        )
        return Response(DeclaredAvailabilityOutputSerializer(block).data)


class DeclaredAvailabilityDeleteApi(APIView):
    @extend_schema(
        summary="Retirer une de mes disponibilités",
        description="Ses créneaux libres à venir disparaissent de la recherche.",
        request=None,
        responses={204: None, 403: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request, pk: int):
        block = _own_availability(request.user, pk)
        services.declared_availability_remove(availability=block, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
