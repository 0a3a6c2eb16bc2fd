"""Barèmes (read) and simulators: ACI envelope (DOMAIN.md §7.6) and indicator 9 (§7.2)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from remuneration import selectors
from remuneration.enums import BaremeCode
from remuneration.rules.aci import CRISIS_CHOICES, MISSIONS, AciInput, aci_envelope, size_for_population
from remuneration.rules.indicator9 import indicator9_tier
from remuneration.rules.periods import period_parse
from remuneration.selectors.baremes import bareme_rows, pick_row
from remuneration.services.builders.aci import aci_tables
from sas_platform.api.apis import ErrorSerializer
from sas_platform.exceptions import ApplicationError


class BaremeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField(source="get_code_display")
    unit = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    tiers = serializers.JSONField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    provisional = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)


class BaremeListApi(APIView):
    @extend_schema(
        summary="Barèmes datés (lecture) ; « provisional » : montant à confirmer",
        responses={200: BaremeOutputSerializer(many=True)},
    )
    def get(self, request):
        on = request.query_params.get("on")
        try:
            on_date = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise ApplicationError(
                "Date invalide : AAAA-MM-JJ.", code="invalid", extra={"fields": {"on": ["AAAA-MM-JJ"]}}
            ) from None
        qs = selectors.baremes_list(code=request.query_params.get("code"), on=on_date)
        return Response(BaremeOutputSerializer(qs, many=True).data)


def _data(request):
    return request.data if request.method == "POST" else request.query_params


class AciSimulationApi(APIView):
    class InputSerializer(serializers.Serializer):
        size = serializers.IntegerField(min_value=1, max_value=4, required=False)
        population = serializers.IntegerField(min_value=0, required=False)
        members = serializers.IntegerField(min_value=0, default=0)
        signed_on = serializers.DateField(required=False, allow_null=True)
        with_sas = serializers.BooleanField(default=True)
        mission = serializers.ChoiceField(choices=[*MISSIONS, "all"], default="access")
        year_of_contract = serializers.IntegerField(min_value=1, default=1)
        crisis = serializers.ChoiceField(choices=CRISIS_CHOICES, default="none")
        early_mission = serializers.BooleanField(default=False)
        year = serializers.IntegerField(min_value=2022, max_value=2100, required=False)

        def validate(self, attrs):
            if attrs.get("size") is None and attrs.get("population") is None:
                raise serializers.ValidationError({"size": ["Indiquez la taille (1 à 4) ou la population."]})
            return attrs

    class OutputSerializer(serializers.Serializer):
        size = serializers.IntegerField()
        case = serializers.CharField()
        fixed = serializers.DecimalField(max_digits=12, decimal_places=2)
        variable = serializers.DecimalField(max_digits=12, decimal_places=2)
        majoration = serializers.DecimalField(max_digits=12, decimal_places=2)
        operating_increase = serializers.DecimalField(max_digits=12, decimal_places=2)
        early_mission = serializers.DecimalField(max_digits=12, decimal_places=2)
        total = serializers.DecimalField(max_digits=12, decimal_places=2)
        components = serializers.ListField(child=serializers.DictField())
        notes = serializers.ListField(child=serializers.CharField())

    @extend_schema(
        summary="Simulateur d'enveloppe ACI CPTS (taille ou population, membres, signature, SAS, mission)",
        request=InputSerializer,
        responses={200: OutputSerializer, 400: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Taille 4, 100 membres",
                value={
                    "size": 4,
                    "members": 100,
                    "signed_on": "2023-01-15",
                    "with_sas": True,
                    "mission": "access",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        return Response(simulate_aci(_data(request)))

    @extend_schema(
        summary="Simulateur d'enveloppe ACI CPTS (paramètres dans la requête)",
        parameters=[InputSerializer],
        responses={200: OutputSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        return Response(simulate_aci(_data(request)))


def simulate_aci(data) -> dict:
    serializer = AciSimulationApi.InputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    v = serializer.validated_data
    size = v.get("size") or size_for_population(v["population"])
    year = v.get("year") or timezone.localdate().year
    missions = (
        tuple(m for m in MISSIONS)
        if v["mission"] == "all"
        else ((v["mission"],) if not v["early_mission"] else ())
    )
    result = aci_envelope(
        AciInput(
            size=size,
            members=v["members"],
            signed_on=v.get("signed_on"),
            with_sas=v["with_sas"],
            year=year,
            missions=missions,
            year_of_contract=v["year_of_contract"],
            crisis=v["crisis"],
            early_mission=v["early_mission"],
        ),
        aci_tables(dt.date(year, 12, 31)),
    )
    return AciSimulationApi.OutputSerializer(
        {
            "size": size,
            "case": result.case_label,
            "fixed": result.fixed,
            "variable": result.variable,
            "majoration": result.majoration,
            "operating_increase": result.operating_increase,
            "early_mission": result.early_mission,
            "total": result.total,
            "notes": list(result.notes),
            "components": [
                {
                    "mission": c.mission,
                    "label": c.label,
                    "fixed": f"{c.fixed:.2f}",
                    "variable": f"{c.variable:.2f}",
                    "majoration": f"{c.majoration:.2f}",
                    "total": f"{c.total:.2f}",
                    "note": c.note,
                }
                for c in result.components
            ],
        }
    ).data


class Indicator9SimulationApi(APIView):
    class InputSerializer(serializers.Serializer):
        acts = serializers.IntegerField(min_value=0, help_text="Actes en surnuméraire dans le trimestre.")
        quarter = serializers.CharField(max_length=7, help_text="AAAA-Qn, ex. 2026-Q3.")

    class OutputSerializer(serializers.Serializer):
        acts = serializers.IntegerField()
        quarter = serializers.CharField()
        tier = serializers.CharField()
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        provisional = serializers.BooleanField()

    @extend_schema(
        summary="Simulateur de l'indicateur 9 (palier et montant du trimestre)",
        request=InputSerializer,
        responses={200: OutputSerializer, 400: ErrorSerializer},
        examples=[OpenApiExample("15 actes", value={"acts": 15, "quarter": "2026-Q3"}, request_only=True)],
    )
    def post(self, request):
        return Response(simulate_indicator9(_data(request)))

    @extend_schema(
        summary="Simulateur de l'indicateur 9 (paramètres dans la requête)",
        parameters=[InputSerializer],
        responses={200: OutputSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        return Response(simulate_indicator9(_data(request)))


def simulate_indicator9(data) -> dict:
    serializer = Indicator9SimulationApi.InputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    v = serializer.validated_data
    period = period_parse("indicator9", v["quarter"])
    row = pick_row(bareme_rows(BaremeCode.INDICATOR_9), BaremeCode.INDICATOR_9, period.last_day)
    tier = indicator9_tier(v["acts"], row.tiers)
    return Indicator9SimulationApi.OutputSerializer(
        {
            "acts": v["acts"],
            "quarter": period.code,
            "tier": tier.label,
            "amount": tier.amount,
            "provisional": row.provisional,
        }
    ).data
