"""Dossier APIs: list/create, detail, routing, claim/release, decision and closing."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from regulation import permissions, selectors, services
from regulation.api.apis._common import (
    ROUTES,
    DossierOutputSerializer,
    QueueItemSerializer,
    dossier_for,
    dossier_out,
)
from regulation.api.apis.facts import ActFactOutputSerializer
from regulation.enums import (
    CallerRelation,
    CareLevel,
    Decision,
    OrientationResult,
    Origin,
    Priority,
    Sex,
)
from sas_platform.api.apis import ErrorSerializer
from sas_platform.enums import AccessPurpose
from sas_platform.exceptions import ApplicationError, PermissionDeniedError
from sas_platform.selectors import commune_get


class DossierListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        commune = serializers.CharField(help_text="Code INSEE de la commune (centroïde géocodé).")
        reason = serializers.CharField()
        route = serializers.ChoiceField(choices=list(ROUTES), required=False, allow_null=True)
        origin = serializers.ChoiceField(choices=Origin.choices, default=Origin.CENTRE_15)
        call_received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Heure d'arrivée de l'appel (téléphonie, LRM) : mesure du délai de décroché.",
        )
        caller_name = serializers.CharField(required=False, allow_blank=True, default="")
        caller_phone = serializers.CharField(required=False, allow_blank=True, default="")
        caller_relation = serializers.ChoiceField(
            choices=CallerRelation.choices, default=CallerRelation.PATIENT
        )
        patient_last_name = serializers.CharField(required=False, allow_blank=True, default="")
        patient_first_name = serializers.CharField(required=False, allow_blank=True, default="")
        patient_birth_date = serializers.DateField(required=False, allow_null=True, default=None)
        patient_age = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=120, default=None
        )
        patient_sex = serializers.ChoiceField(choices=Sex.choices, required=False, default="")
        patient_phone = serializers.CharField(required=False, allow_blank=True, default="")
        address = serializers.CharField(required=False, allow_blank=True, default="")
        priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.P2)
        treating_doctor_name = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="File d'attente et dossiers de mes territoires",
        responses={200: QueueItemSerializer(many=True)},
    )
    def get(self, request):
        if not permissions.can_view_queue(request.user):
            raise PermissionDeniedError("Réservé aux équipes de régulation.")
        rows = selectors.queue_for_user(
            user=request.user, territory_code=request.query_params.get("territoire")
        )
        return Response(QueueItemSerializer(rows, many=True).data)

    @extend_schema(
        summary="Ouvrir un dossier (et l'orienter en une action)",
        request=InputSerializer,
        responses={201: DossierOutputSerializer, 400: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Appel au 116 117, orienté vers la médecine générale",
                value={
                    "commune": "13055",
                    "reason": "Fièvre depuis 2 jours",
                    "route": "general_practice",
                    "origin": "116117",
                    "patient_age": 34,
                },
            )
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        commune = commune_get(insee_code=data.pop("commune"))
        if commune is None:
            raise ApplicationError(
                "Commune inconnue.", code="invalid", extra={"fields": {"commune": ["Code INSEE inconnu."]}}
            )
        territory = selectors.dossier_territory_for(user=request.user, commune_code=commune.insee_code)
        if territory is None:
            raise PermissionDeniedError("Vous ne pouvez pas ouvrir de dossier sur ce territoire.")
        route = ROUTES.get(data.pop("route", None) or "")
        dossier = services.dossier_open(
            actor=request.user,
            territory_code=territory,
            commune=commune,
            reason=data.pop("reason"),
            route=route,
            **data,
        )
        return Response(dossier_out(dossier, request), status=status.HTTP_201_CREATED)


class DossierDetailOutputSerializer(DossierOutputSerializer):
    act_facts = serializers.SerializerMethodField(
        help_text="Les actes du dossier dont l'issue est connue, avec leurs faits pour la rémunération."
    )

    @extend_schema_field(ActFactOutputSerializer(many=True))
    def get_act_facts(self, dossier) -> list:
        return ActFactOutputSerializer(selectors.act_facts_of_dossier(dossier=dossier), many=True).data


class DossierDetailApi(APIView):
    @extend_schema(
        summary="Lire un dossier (lecture journalisée), avec ses actes",
        responses={200: DossierDetailOutputSerializer, 403: ErrorSerializer},
    )
    def get(self, request, pk: int):
        dossier = selectors.dossier_read(
            user=request.user, dossier_id=pk, path=request.get_full_path(), purpose=AccessPurpose.API
        )
        return Response(DossierDetailOutputSerializer(dossier).data)  # dossier_read logged it


class DossierRouteApi(APIView):
    class InputSerializer(serializers.Serializer):
        route = serializers.ChoiceField(choices=list(ROUTES))
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Orienter vers l'AMU ou la médecine générale",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Réorientation vers l'AMU",
                value={"route": "amu", "reason": "Douleur thoracique"},
                request_only=True,
            ),
            OpenApiExample(
                "Transition refusée",
                value={
                    "message": "Action « Orientation vers l'AMU » impossible : le dossier est « Clos ».",
                    "code": "transition_not_allowed",
                    "extra": {"state": "closed", "transition": "route_amu"},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_route_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_route(
            dossier_id=dossier.pk,
            actor=request.user,
            to=ROUTES[serializer.validated_data["route"]],
            reason=serializer.validated_data["reason"],
        )
        return Response(dossier_out(dossier, request))


class DossierClaimApi(APIView):
    class InputSerializer(serializers.Serializer):
        take_over = serializers.BooleanField(default=False)

    @extend_schema(
        summary="Prendre un dossier (ou le reprendre explicitement)",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample("Prendre", value={"take_over": False}, request_only=True),
            OpenApiExample(
                "Déjà pris",
                value={
                    "message": "Le dossier SAS13-000042 est déjà pris en charge par Paul Roux.",
                    "code": "dossier_held",
                    "extra": {"holder": "Paul Roux"},
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_view_dossier)  # the service says who may
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_claim(
            dossier_id=dossier.pk, actor=request.user, take_over=serializer.validated_data["take_over"]
        )
        return Response(dossier_out(dossier, request))


class DossierReleaseApi(APIView):
    @extend_schema(summary="Relâcher un dossier", request=None, responses={200: DossierOutputSerializer})
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_release_dossier)
        return Response(
            dossier_out(services.dossier_release(dossier_id=dossier.pk, actor=request.user), request)
        )


class DossierDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=Decision.choices)
        priority = serializers.ChoiceField(choices=Priority.choices, required=False)
        care_level = serializers.ChoiceField(
            choices=CareLevel.choices, required=False, allow_blank=True, default=""
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Décision du régulateur",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[OpenApiExample("RDV sous 48 h", value={"decision": "appointment_48h", "priority": "P2"})],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_decide_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dossier = services.dossier_decide(
            dossier_id=dossier.pk,
            actor=request.user,
            decision=data["decision"],
            notes=data["notes"],
            priority=data.get("priority"),
            care_level=data["care_level"],
        )
        return Response(dossier_out(dossier, request))


class DossierCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        result = serializers.ChoiceField(
            choices=[
                OrientationResult.ADVICE,
                OrientationResult.EMERGENCY_DEPARTMENT,
                OrientationResult.AMU,
                OrientationResult.PDSA,
            ]
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        summary="Clore l'orientation sans rendez-vous (conseil, urgences, AMU, PDSA)",
        request=InputSerializer,
        responses={200: DossierOutputSerializer, 409: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Orienté vers les urgences",
                value={"result": "emergency_department", "notes": "Suspicion de fracture"},
                request_only=True,
            )
        ],
    )
    def post(self, request, pk: int):
        dossier = dossier_for(pk, request.user, permissions.can_orient_dossier)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = services.dossier_orientation_close(
            dossier_id=dossier.pk, actor=request.user, **serializer.validated_data
        )
        return Response(dossier_out(dossier, request))
