"""Structures and CPTS: lists and detail, scoped by territory."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cpts import selectors
from cpts.api.apis.common import (
    not_found,
)
from cpts.enums import StructureKind
from cpts.models import Structure
from sas_platform.api.apis import ErrorSerializer
from sas_platform.api.pagination import PageNumberPagination, paginated
from sas_platform.api.params import choice_param


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
        kind = choice_param(request, "kind", StructureKind.values)
        qs = selectors.structures_for_user(user=request.user).order_by("name")
        if kind:
            qs = qs.filter(kind=kind)
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
            raise not_found("CPTS")
        return Response(self.OutputSerializer(self.payload(structure)).data)


class CptsListApi(APIView):
    @extend_schema(summary="CPTS visibles", responses={200: CptsDetailApi.OutputSerializer(many=True)})
    def get(self, request):
        structures = selectors.cpts_list(user=request.user)
        return Response(
            CptsDetailApi.OutputSerializer([CptsDetailApi.payload(s) for s in structures], many=True).data
        )
