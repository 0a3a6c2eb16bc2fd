"""API of `cpts` (HackSoft style: one class per operation, nested Input/Output serializers).

Every list is scoped by the caller's territories and roles (selectors); every object goes
through a ``cpts.permissions`` function. Objects outside the caller's scope answer 404.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts import permissions, selectors, services
from cpts.enums import ImportKind, ParticipationMode, ParticipationStatus, StructureKind, VisibilityMode
from cpts.imports import import_run_create_from_upload
from cpts.models import ImportRun, Professional, SasParticipation, Structure
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.exceptions import NotFoundError, PermissionDeniedError
from sas_platform.models import Commune


def _deny() -> PermissionDeniedError:
    return PermissionDeniedError("Vous n'avez pas le droit d'effectuer cette action.")


def _not_found(what: str) -> NotFoundError:
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
            raise _deny()
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
            raise _not_found("Professionnel")
        return Response(self.OutputSerializer(professional).data)


class StructureListApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        departement = serializers.CharField(source="departement_id", allow_null=True)
        commune = serializers.CharField(source="commune_id", allow_null=True)

        class Meta:
            model = Structure
            fields = [
                "id",
                "kind",
                "name",
                "finess",
                "siret",
                "departement",
                "commune",
                "address",
                "phone",
                "email",
            ]

    @extend_schema(
        summary="Structures visibles",
        parameters=[OpenApiParameter("kind", str, enum=StructureKind.values, required=False)],
        responses={200: paginated(OutputSerializer, "PaginatedStructureList")},
        operation_id="structures_list",
    )
    def get(self, request):
        qs = selectors.structures_for_user(user=request.user).order_by("name")
        if request.query_params.get("kind"):
            qs = qs.filter(kind=request.query_params["kind"])
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class CptsDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        departement = serializers.CharField(source="departement_id", allow_null=True)
        phone = serializers.CharField()
        email = serializers.CharField()
        aci_signed_on = serializers.DateField(allow_null=True)
        population = serializers.IntegerField()
        computed_size = serializers.IntegerField()
        size_override = serializers.IntegerField(allow_null=True)
        size = serializers.IntegerField()
        communes = serializers.ListField(child=serializers.DictField())

    @staticmethod
    def payload(structure: Structure) -> dict:
        return {
            "id": structure.pk,
            "name": structure.name,
            "departement_id": structure.departement_id,
            "phone": structure.phone,
            "email": structure.email,
            "aci_signed_on": structure.aci_signed_on,
            "population": selectors.cpts_population(structure=structure),
            "computed_size": selectors.cpts_computed_size(structure=structure),
            "size_override": structure.size_override,
            "size": selectors.cpts_size(structure=structure),
            "communes": [
                {"insee_code": c.insee_code, "name": c.name, "population_2021": c.population_2021}
                for c in selectors.territory_communes_deduplicated(structure=structure)
            ],
        }

    @extend_schema(
        summary="Une CPTS : territoire, population, taille",
        description="Taille 1 à 4 calculée d'après la population des communes (DOMAIN.md §6), sauf forçage.",
        responses={200: OutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        structure = selectors.cpts_list(user=request.user).filter(pk=pk).first()
        if structure is None:
            raise _not_found("CPTS")
        return Response(self.OutputSerializer(self.payload(structure)).data)


class CptsListApi(APIView):
    @extend_schema(summary="CPTS visibles", responses={200: CptsDetailApi.OutputSerializer(many=True)})
    def get(self, request):
        structures = selectors.cpts_list(user=request.user)
        return Response(
            CptsDetailApi.OutputSerializer([CptsDetailApi.payload(s) for s in structures], many=True).data
        )


class ParticipationCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        professional = serializers.IntegerField()
        mode = serializers.ChoiceField(choices=ParticipationMode.choices)
        structure = serializers.IntegerField(required=False, allow_null=True)
        accepts_surnumeraire = serializers.BooleanField()
        visibility = serializers.ChoiceField(choices=VisibilityMode.choices)
        start_date = serializers.DateField()
        consent = serializers.BooleanField(
            default=False,
            help_text="Vrai quand le consentement du médecin a été recueilli (déclaration pour autrui).",
        )

    @extend_schema(
        summary="Déclarer une participation au SAS",
        request=InputSerializer,
        responses={
            201: ParticipationOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Via ma CPTS, accepte le surnuméraire",
                value={
                    "professional": 42,
                    "mode": "cpts",
                    "structure": 3,
                    "accepts_surnumeraire": True,
                    "visibility": "interfaced_agenda",
                    "start_date": "2025-01-06",
                    "consent": True,
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        professional = Professional.objects.filter(pk=data["professional"]).first()
        structure = Structure.objects.filter(pk=data["structure"]).first() if data.get("structure") else None
        if professional is None or not permissions.can_declare_participation(
            request.user, professional, structure
        ):
            raise _deny()
        participation = services.participation_declare(
            professional=professional,
            mode=data["mode"],
            structure=structure,
            accepts_surnumeraire=data["accepts_surnumeraire"],
            visibility=data["visibility"],
            start_date=data["start_date"],
            actor=request.user,
            consent_recorded_at=timezone.now() if data["consent"] else None,
        )
        return Response(ParticipationOutputSerializer(participation).data, status=status.HTTP_201_CREATED)


class ParticipationCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        end_date = serializers.DateField()

    @extend_schema(
        summary="Clore une participation au SAS",
        request=InputSerializer,
        responses={200: ParticipationOutputSerializer, 403: ErrorSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("Fin au 30 juin", value={"end_date": "2025-06-30"}, request_only=True)],
    )
    def post(self, request, pk: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participation = (
            SasParticipation.objects.select_related("professional", "structure").filter(pk=pk).first()
        )
        if participation is None or not permissions.can_close_participation(request.user, participation):
            raise _deny()
        participation = services.participation_close(
            participation=participation, end_date=serializer.validated_data["end_date"], actor=request.user
        )
        return Response(ParticipationOutputSerializer(participation).data)


class ImportRunOutputSerializer(serializers.ModelSerializer):
    progress_percent = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "file_format",
            "created_at",
            "started_at",
            "finished_at",
            "progress_done",
            "progress_total",
            "progress_percent",
            "read",
            "created",
            "updated",
            "unchanged",
            "rejected",
            "full_extract",
            "deactivated",
            "rejections",
            "error",
        ]

    def get_progress_percent(self, obj) -> int | None:
        if not obj.progress_total:
            return None
        return min(100, round(100 * obj.progress_done / obj.progress_total))


class ImportRunCreateApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ImportKind.choices)
        file = serializers.FileField()
        full_extract = serializers.BooleanField(
            default=False,
            help_text="RPPS : extraction complète ; les lieux d'exercice absents du fichier sont marqués inactifs.",
        )

    @extend_schema(
        summary="Lancer un import de l'annuaire",
        description="Extraction RPPS / Pro Santé Connect (kind=rpps) ou ressources FHIR (kind=fhir). "
        "L'import s'exécute en tâche de fond ; suivez-le avec GET /import-runs/{id}/.",
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportRunOutputSerializer, 403: ErrorSerializer},
    )
    def post(self, request):
        if not permissions.can_import_directory(request.user):
            raise _deny()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = import_run_create_from_upload(
            kind=serializer.validated_data["kind"],
            uploaded_file=serializer.validated_data["file"],
            actor=request.user,
            full_extract=serializer.validated_data["full_extract"],
        )
        return Response(ImportRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ImportRunListApi(APIView):
    @extend_schema(
        summary="Imports de l'annuaire",
        responses={200: paginated(ImportRunOutputSerializer, "PaginatedImportRunList")},
        operation_id="import_runs_list",
    )
    def get(self, request):
        if not permissions.can_import_directory(request.user):
            raise _deny()
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(ImportRun.objects.order_by("-created_at"), request, view=self)
        return paginator.get_paginated_response(ImportRunOutputSerializer(page, many=True).data)


class ImportRunDetailApi(APIView):
    @extend_schema(summary="Progression et rapport d'un import", responses={200: ImportRunOutputSerializer})
    def get(self, request, pk: int):
        if not permissions.can_import_directory(request.user):
            raise _deny()
        return Response(ImportRunOutputSerializer(get_object_or_404(ImportRun, pk=pk)).data)
