"""The directory's professionals: search and detail."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts import permissions, selectors
from cpts.api.apis.common import (
    ParticipationOutputSerializer,
    PlaceOutputSerializer,
    deny,
    not_found,
)
from cpts.enums import ParticipationStatus
from cpts.models import Professional
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.models import Commune


class ProfessionalSearchApi(APIView):
    """Directory search of the regulation desk (issue 3)."""

    class FilterSerializer(serializers.Serializer):
        name = serializers.CharField(required=False, allow_blank=True)
        rpps = serializers.CharField(required=False, allow_blank=True)
        profession = serializers.CharField(required=False, allow_blank=True)
        specialty = serializers.CharField(required=False, allow_blank=True)
        commune = serializers.CharField(required=False, allow_blank=True, help_text="Code INSEE")
        radius_km = serializers.FloatField(required=False, min_value=0.5, max_value=100)
        structure = serializers.IntegerField(required=False)
        status = serializers.ChoiceField(choices=ParticipationStatus.choices, required=False)
        accepts_surnumeraire = serializers.BooleanField(required=False, allow_null=True, default=None)
        on = serializers.DateField(required=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="professional.pk")
        identifier_type = serializers.CharField(source="professional.identifier_type")
        identifier = serializers.CharField(source="professional.identifier")
        identifier_key_valid = serializers.BooleanField(source="professional.identifier_key_valid")
        civility = serializers.CharField(source="professional.civility")
        last_name = serializers.CharField(source="professional.last_name")
        first_name = serializers.CharField(source="professional.first_name")
        profession_code = serializers.CharField(source="professional.profession_code")
        profession_label = serializers.CharField(source="professional.profession_label")
        specialty_code = serializers.CharField(source="professional.specialty_code")
        specialty_label = serializers.CharField(source="professional.specialty_label")
        place = PlaceOutputSerializer(allow_null=True)
        distance_km = serializers.FloatField(allow_null=True)
        status = serializers.CharField()
        participation = ParticipationOutputSerializer(allow_null=True)

    @extend_schema(
        summary="Rechercher dans l'annuaire",
        description=(
            "Professionnels exerçant dans vos territoires. Avec `commune` et `radius_km` : les plus proches "
            "d'abord (distance au centre de la commune). `status` et `accepts_surnumeraire` portent sur la "
            "participation effective au SAS à la date `on` (aujourd'hui par défaut)."
        ),
        parameters=[
            FilterSerializer,
            OpenApiParameter(
                "commune",
                str,
                examples=[OpenApiExample("Aubagne, 10 km", value="13005")],
                description="Code INSEE de la commune",
            ),
        ],
        responses={
            200: paginated(OutputSerializer, "PaginatedProfessionalList"),
            400: ErrorSerializer,
            403: ErrorSerializer,
        },
        operation_id="professionals_list",
    )
    def get(self, request):
        if not permissions.can_view_directory(request.user):
            raise deny()
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        commune = None
        if data.get("commune"):
            commune = Commune.objects.filter(insee_code=data["commune"].strip()).first()
            if commune is None:
                raise serializers.ValidationError({"commune": [f"Commune {data['commune']} inconnue."]})
        rows = selectors.professionals_search(
            user=request.user,
            on=data.get("on") or timezone.localdate(),
            name=data.get("name", ""),
            rpps=data.get("rpps", ""),
            profession_code=data.get("profession", ""),
            specialty_code=data.get("specialty", ""),
            structure_id=data.get("structure"),
            status=data.get("status", ""),
            accepts_surnumeraire=data.get("accepts_surnumeraire"),
            commune=commune,
            radius_km=data.get("radius_km"),
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class ProfessionalDetailApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        places = PlaceOutputSerializer(many=True)
        memberships = serializers.SerializerMethodField()
        participations = ParticipationOutputSerializer(many=True)
        status = serializers.SerializerMethodField()

        class Meta:
            model = Professional
            fields = [
                "id",
                "identifier_type",
                "identifier",
                "identifier_key_valid",
                "civility",
                "last_name",
                "first_name",
                "profession_code",
                "profession_label",
                "specialty_code",
                "specialty_label",
                "places",
                "memberships",
                "participations",
                "status",
            ]

        def get_memberships(self, obj) -> list[dict]:
            return [
                {
                    "structure": {"id": m.structure_id, "kind": m.structure.kind, "name": m.structure.name},
                    "start_date": m.start_date,
                    "end_date": m.end_date,
                }
                for m in obj.memberships.all()
            ]

        def get_status(self, obj) -> str:
            return selectors.participation_status_on(professional=obj, on=timezone.localdate())

    @extend_schema(
        summary="Fiche d'un professionnel", responses={200: OutputSerializer, 404: ErrorSerializer}
    )
    def get(self, request, pk: int):
        professional = selectors.professional_detail(pk=pk)
        if professional is None or not permissions.can_view_professional(request.user, professional):
            raise not_found("Professionnel")
        return Response(self.OutputSerializer(professional).data)
