"""API of the shared kernel: current user, token, communes and départements."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sas_platform.api.tokens import api_token_rotate
from sas_platform.exceptions import ApplicationError
from sas_platform.models import Commune, Departement
from sas_platform.otp.policies import otp_required
from sas_platform.otp.services import OtpError, has_confirmed_device, otp_verify
from sas_platform.selectors import communes_search, territories_for_user


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    message = serializers.CharField()
    code = serializers.CharField()
    extra = serializers.DictField()


class DepartementOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Departement
        fields = ["code", "name"]


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        first_name = serializers.CharField()
        last_name = serializers.CharField()
        roles = serializers.ListField(child=serializers.CharField())
        territories = DepartementOutputSerializer(many=True)

    @extend_schema(summary="Utilisateur connecté", responses={200: OutputSerializer, 401: ErrorSerializer})
    def get(self, request):
        user = request.user
        data = {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "roles": sorted(user.role_codes),
            "territories": territories_for_user(user=user),
        }
        return Response(self.OutputSerializer(data).data)


class TokenObtainApi(APIView):
    """Exchange an e-mail and password for an API token (machine clients)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
        otp = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Code du second facteur (application d'authentification, ou code de secours) : "
            "exigé des administrateurs et des agents CPAM et ARS.",
        )

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        summary="Obtenir un jeton d'API",
        request=InputSerializer,
        responses={200: OutputSerializer, 400: ErrorSerializer},
        examples=[
            OpenApiExample("Identifiants", value={"email": "osnp@demo.sas", "password": "demo-sas-13"})
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request (not DRF's wrapper), so that django-axes marks a lock-out on the
        # object its middleware reads and answers 429 in the error shape.
        user = authenticate(
            request._request,
            username=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ApplicationError(
                "Adresse électronique ou mot de passe incorrect.", code="invalid_credentials"
            )
        _second_factor_check(user, serializer.validated_data["otp"])
        token = api_token_rotate(user=user)  # a new key each time (issue 13)
        return Response(self.OutputSerializer({"token": token.key}).data, status=status.HTTP_200_OK)


def _second_factor_check(user, code: str) -> None:
    """A token is a sign-in: the roles that must give a second factor on the site (administrators,
    CPAM and ARS agents: they export personal data and pay, DOMAIN.md §8) give it here too, or the
    token would bypass it (issue 13, two factors)."""
    if not otp_required(user):
        return
    if not has_confirmed_device(user=user):
        raise ApplicationError(
            "Ce compte exige un second facteur : activez-le d'abord en vous connectant au site.",
            code="otp_enrolment_required",
        )
    if not code.strip():
        raise ApplicationError(
            "Ce compte exige un second facteur : ajoutez le champ « otp » (code à 6 chiffres de "
            "l'application d'authentification, ou un code de secours).",
            code="otp_required",
            extra={"fields": {"otp": ["Code du second facteur exigé."]}},
        )
    try:
        otp_verify(user=user, token=code)
    except OtpError as exc:
        raise ApplicationError(str(exc), code="otp_invalid", extra={"fields": {"otp": [str(exc)]}}) from exc


class CommuneSearchApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        postal_codes = serializers.SerializerMethodField()
        departement = serializers.CharField(source="departement_id")

        class Meta:
            model = Commune
            fields = [
                "insee_code",
                "name",
                "name_with_article",
                "type",
                "departement",
                "latitude",
                "longitude",
                "population_2021",
                "postal_codes",
            ]

        def get_postal_codes(self, obj) -> list[str]:
            return sorted(p.code for p in obj.postal_codes.all())

    @extend_schema(
        summary="Rechercher une commune",
        description="Par nom (sans accents ni majuscules requis) ou par code postal / code INSEE. 20 résultats au plus.",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="Nom, code postal ou code INSEE",
                examples=[
                    OpenApiExample("Nom", value="aix en prov"),
                    OpenApiExample("Code postal", value="13001"),
                ],
            ),
            OpenApiParameter("departement", str, required=False, description="Restreindre à un département"),
        ],
        responses={200: OutputSerializer(many=True), 400: ErrorSerializer},
    )
    def get(self, request):
        query = request.query_params.get("q", "").strip()
        if len(query) < 2:
            raise ApplicationError(
                "Saisissez au moins 2 caractères.",
                code="invalid",
                extra={"fields": {"q": ["Au moins 2 caractères."]}},
            )
        departement = request.query_params.get("departement")
        communes = communes_search(query=query, departements=[departement] if departement else None)
        prefetch_related_objects(communes, "postal_codes")
        return Response(self.OutputSerializer(communes, many=True).data)
