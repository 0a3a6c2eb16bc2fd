"""Bordereaux API (issue 12): list, compute, detail with lines, workflow actions, exports."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from remuneration import selectors, services
from remuneration.enums import BordereauKind, BordereauStatus, ExportFormat
from remuneration.exports import export_for_download
from remuneration.permissions import can_compute_bordereau, can_view_remuneration
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.api.params import choice_param
from sas_platform.exceptions import NotFoundError, PermissionDeniedError


class BordereauOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    territory = serializers.CharField(source="territory_id")
    period = serializers.CharField()
    status = serializers.CharField()
    lines_count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Euros, chaîne décimale.")
    provisional = serializers.BooleanField(help_text="Un montant dépend d'un barème provisoire.")
    anomalies = serializers.ListField(child=serializers.DictField())
    computed_at = serializers.DateTimeField(allow_null=True)
    validated_at = serializers.DateTimeField(allow_null=True)
    validated_by = serializers.EmailField(source="validated_by.email", allow_null=True, default=None)
    sent_back_reason = serializers.CharField()
    locked_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)


class LineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    identifier_type = serializers.CharField()
    identifier = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()
    label = serializers.CharField()
    fact_date = serializers.DateField(allow_null=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit = serializers.CharField()
    unit_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    provisional = serializers.BooleanField()
    facts = serializers.JSONField()
    why = serializers.JSONField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)


class BordereauDetailOutputSerializer(BordereauOutputSerializer):
    lines = LineOutputSerializer(many=True, source="line_list")


EXAMPLE = {
    "id": 7,
    "kind": "regulators",
    "territory": "13",
    "period": "2026-10",
    "status": "draft",
    "lines_count": 1,
    "total": "600.00",
    "provisional": False,
    "anomalies": [],
    "computed_at": "2026-11-02T09:00:00+01:00",
    "validated_at": None,
    "validated_by": None,
    "sent_back_reason": "",
    "locked_at": None,
    "paid_at": None,
}


def _bordereau(request, pk: int):
    bordereau = selectors.bordereau_get(user=request.user, pk=pk)
    if bordereau is None:
        raise NotFoundError("Bordereau introuvable.", code="bordereau_not_found")
    return bordereau


class BordereauListComputeApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=BordereauKind.choices)
        territory = serializers.CharField(max_length=3)
        period = serializers.CharField(
            max_length=7, help_text="2026-11, 2026-Q3, 2026-S2 ou 2026 selon le type."
        )

    @extend_schema(
        summary="Bordereaux de mes territoires",
        parameters=[
            OpenApiParameter("kind", str, enum=[k.value for k in BordereauKind]),
            OpenApiParameter("period", str),
            OpenApiParameter("territory", str),
            OpenApiParameter("status", str, enum=[s.value for s in BordereauStatus]),
        ],
        responses={200: paginated(BordereauOutputSerializer, "PaginatedBordereauList"), 403: ErrorSerializer},
        operation_id="remuneration_bordereaux_list",
    )
    def get(self, request):
        if not can_view_remuneration(request.user):
            raise PermissionDeniedError("Réservé aux agents CPAM et ARS et aux administrateurs.")
        qs = selectors.bordereaux_for_user(
            user=request.user,
            kind=choice_param(request, "kind", BordereauKind.values),
            status=choice_param(request, "status", BordereauStatus.values),
            **{k: request.query_params.get(k) for k in ("period", "territory")},
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(BordereauOutputSerializer(page, many=True).data)

    @extend_schema(
        summary="Calculer ou recalculer un bordereau en brouillon (idempotent)",
        request=InputSerializer,
        responses={
            201: BordereauOutputSerializer,
            200: BordereauOutputSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            409: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Heures de régulation d'octobre",
                value={"kind": "regulators", "territory": "13", "period": "2026-10"},
                request_only=True,
            ),
            OpenApiExample("Bordereau calculé", value=EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not can_compute_bordereau(request.user, data["territory"]):
            raise PermissionDeniedError(
                "Seuls les administrateurs SAS du territoire préparent les bordereaux."
            )
        result = services.bordereau_compute(
            actor=request.user, kind=data["kind"], territory_code=data["territory"], period=data["period"]
        )
        code = status.HTTP_201_CREATED if result.changed else status.HTTP_200_OK
        return Response(BordereauOutputSerializer(result.bordereau).data, status=code)


class BordereauDetailApi(APIView):
    @extend_schema(
        summary="Un bordereau et ses lignes (avec les faits)",
        responses={200: BordereauDetailOutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk: int):
        bordereau = _bordereau(request, pk)
        bordereau.line_list = selectors.bordereau_lines(bordereau=bordereau)
        return Response(BordereauDetailOutputSerializer(bordereau).data)


class BordereauActionApi(APIView):
    """``validate`` and ``send-back`` (ARS), ``lock`` and ``mark-paid`` (CPAM)."""

    action = ""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            required=False, allow_blank=True, max_length=500, help_text="Motif (renvoi)."
        )

    @extend_schema(
        summary="Étape du circuit : validate | send-back (ARS), lock | mark-paid (CPAM)",
        request=InputSerializer,
        responses={
            200: BordereauOutputSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request, pk: int):
        bordereau = _bordereau(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if self.action == "validate":
            bordereau = services.bordereau_validate(actor=request.user, bordereau_id=bordereau.pk)
        elif self.action == "send-back":
            bordereau = services.bordereau_send_back(
                actor=request.user,
                bordereau_id=bordereau.pk,
                reason=serializer.validated_data.get("reason", ""),
            )
        elif self.action == "lock":
            bordereau = services.bordereau_lock(actor=request.user, bordereau_id=bordereau.pk)
        else:
            bordereau = services.bordereau_mark_paid(actor=request.user, bordereau_id=bordereau.pk)
        return Response(BordereauOutputSerializer(bordereau).data)


def export_response(bordereau, fmt: str) -> HttpResponse:
    rendered = export_for_download(bordereau, fmt)
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["X-Content-SHA256"] = rendered.sha256
    response["X-Bordereau-Locked"] = "true" if rendered.stored else "false"
    return response


class BordereauExportApi(APIView):
    @extend_schema(
        summary="Export CSV (UTF-8 BOM, « ; », virgule décimale), XLSX ou PDF ; identique octet pour octet une fois verrouillé",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="Le fichier ; en-tête X-Content-SHA256."
            ),
            404: ErrorSerializer,
        },
    )
    def get(self, request, pk: int, fmt: str):
        bordereau = _bordereau(request, pk)
        if fmt not in ExportFormat.values:
            raise NotFoundError("Format d'export inconnu.", code="format_not_found")
        return export_response(bordereau, fmt)
