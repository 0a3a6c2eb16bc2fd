"""``GET slots/search/``: the 48 h search (DOMAIN.md §3.2) for the regulation desk of the patient's
territory (the commune's département, or the nearest commune's for coordinates)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from planning import permissions, selectors
from planning.api.apis._common import deny, invalid
from planning.enums import Modality
from planning.selectors import MAX_RADIUS_KM
from sas_platform.api.apis import ErrorSerializer
from sas_platform.selectors import commune_get


# --- The 48 h search ------------------------------------------------------------------------------
class SlotProfessionalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rpps = serializers.CharField(source="identifier")
    civility = serializers.CharField()
    last_name = serializers.CharField()
    first_name = serializers.CharField()


class SlotPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    commune = serializers.CharField(source="commune_id", allow_null=True)
    commune_name = serializers.CharField(source="commune.name", allow_null=True, default=None)


class SlotResultSerializer(serializers.Serializer):
    """One ranked slot (``planning.selectors.SlotSearchResult``)."""

    id = serializers.IntegerField(source="slot.pk")
    start = serializers.DateTimeField(source="slot.start")
    end = serializers.DateTimeField(source="slot.end")
    modalities = serializers.ListField(child=serializers.CharField(), source="slot.modalities")
    slot_types = serializers.ListField(child=serializers.CharField(), source="slot.slot_types")
    specialty = serializers.CharField(source="slot.specialty_code")
    bookable = serializers.BooleanField(source="slot.bookable")
    platform_owned = serializers.BooleanField(
        source="slot.is_platform_owned",
        help_text="Créneau de la plateforme (disponibilité déclarée) : réservé ici, pas chez un éditeur.",
    )
    professional = SlotProfessionalSerializer(source="slot.professional")
    place = SlotPlaceSerializer(source="slot.place", allow_null=True)
    distance_km = serializers.FloatField()
    source_name = serializers.CharField()
    freshness_seconds = serializers.IntegerField(
        allow_null=True, help_text="Âge de la dernière interrogation réussie de la source (s)."
    )
    stale = serializers.BooleanField(help_text="Source non mise à jour récemment : créneau à confirmer.")
    rank_reason = serializers.CharField(help_text="Pourquoi ce rang (heure, distance, rotation, source).")


class SlotSearchApi(APIView):
    """Free slots near a patient within 48 h, ranked neutrally and explained (DOMAIN.md §3.2)."""

    class FilterSerializer(serializers.Serializer):
        commune = serializers.CharField(
            required=False, allow_blank=True, help_text="Code INSEE de la commune du patient."
        )
        latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
        longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
        radius_km = serializers.FloatField(
            required=False,
            min_value=1,
            max_value=MAX_RADIUS_KM,
            help_text="Rayon (km). Par défaut celui du département, élargi par son pas (13 : 10 km puis +5 km).",
        )
        start = serializers.DateTimeField(
            required=False, help_text="Début de la fenêtre (défaut : maintenant)."
        )
        end = serializers.DateTimeField(
            required=False, help_text="Fin de la fenêtre (défaut : début + 48 h ; au plus 7 jours)."
        )
        modalities = serializers.CharField(
            required=False, allow_blank=True, help_text="Modalités séparées par des virgules : AMB, VR, HH."
        )
        specialty = serializers.CharField(
            required=False, default="SM54", help_text="Spécialité (TRE_R38), défaut SM54 médecine générale."
        )
        limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)

        def validate_modalities(self, value: str) -> list[str]:
            codes = sorted({code.strip().upper() for code in value.split(",") if code.strip()})
            unknown = [code for code in codes if code not in Modality.values]
            if unknown:
                raise serializers.ValidationError(
                    f"Modalité inconnue : {', '.join(unknown)} (AMB, VR ou HH)."
                )
            return codes

        def validate(self, data):
            has_point = "latitude" in data or "longitude" in data
            if has_point and ("latitude" not in data or "longitude" not in data):
                raise serializers.ValidationError(
                    {
                        "longitude" if "latitude" in data else "latitude": [
                            "Latitude et longitude vont ensemble."
                        ]
                    }
                )
            if not data.get("commune") and not has_point:
                raise serializers.ValidationError(
                    {"commune": ["Indiquez la commune du patient (code INSEE) ou ses coordonnées."]}
                )
            return data

    class OutputSerializer(serializers.Serializer):
        count = serializers.IntegerField()
        radius_km = serializers.FloatField(help_text="Rayon finalement utilisé (km).")
        widened = serializers.BooleanField(help_text="Rayon élargi faute de 5 créneaux au rayon par défaut.")
        departement = serializers.CharField()
        window_start = serializers.DateTimeField()
        window_end = serializers.DateTimeField()
        results = SlotResultSerializer(many=True)

    @extend_schema(
        summary="Rechercher les créneaux libres sous 48 h",
        description=(
            "Créneaux libres près du patient (commune ou coordonnées), classés de façon neutre : le plus tôt, "
            "puis le plus proche (à 0,1 km), puis rotation équitable entre médecins (un médecin sollicité par "
            "le SAS ces 7 derniers jours passe après un médecin à égalité qui ne l'a pas été). Aucune source "
            "ni aucun éditeur n'est favorisé. Chaque résultat dit pourquoi il est à ce rang, sa source et la "
            "fraîcheur de celle-ci. Réservé à la régulation du territoire du patient."
        ),
        parameters=[
            FilterSerializer,
            OpenApiParameter(
                "commune",
                str,
                examples=[OpenApiExample("Marseille 1er", value="13201")],
                description="Code INSEE",
            ),
            OpenApiParameter(
                "modalities", str, examples=[OpenApiExample("Cabinet ou téléconsultation", value="AMB,VR")]
            ),
        ],
        responses={200: OutputSerializer, 400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
        examples=[
            OpenApiExample(
                "Un créneau à 1,2 km",
                response_only=True,
                value={
                    "count": 1,
                    "radius_km": 10.0,
                    "widened": False,
                    "departement": "13",
                    "window_start": "2026-11-23T09:00:00+01:00",
                    "window_end": "2026-11-25T09:00:00+01:00",
                    "results": [
                        {
                            "id": 4812,
                            "start": "2026-11-23T10:20:00+01:00",
                            "end": "2026-11-23T10:40:00+01:00",
                            "modalities": ["AMB"],
                            "slot_types": ["PUBLIC", "SNP"],
                            "specialty": "SM54",
                            "bookable": True,
                            "platform_owned": False,
                            "professional": {
                                "id": 31,
                                "rpps": "10101234567",
                                "civility": "Dr",
                                "last_name": "Martin",
                                "first_name": "Claire",
                            },
                            "place": {
                                "id": 40,
                                "name": "Cabinet médical du Panier",
                                "address": "3 rue du Panier",
                                "postal_code": "13002",
                                "commune": "13202",
                                "commune_name": "Marseille 2e Arrondissement",
                            },
                            "distance_km": 1.21,
                            "source_name": "Agenda démo (éditeur FHIR)",
                            "freshness_seconds": 84,
                            "stale": False,
                            "rank_reason": "Début lun. 23/11 à 10:20 ; à 1,2 km",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if data.get("commune"):
            commune = commune_get(insee_code=data["commune"].strip())
            if commune is None or commune.latitude is None:
                raise invalid("commune", f"Commune {data['commune'].strip()} inconnue.")
            latitude, longitude = (
                data.get("latitude", commune.latitude),
                data.get("longitude", commune.longitude),
            )
        else:
            latitude, longitude = data["latitude"], data["longitude"]
            commune = selectors.commune_nearest(latitude=latitude, longitude=longitude)
            if commune is None:
                raise invalid("latitude", "Aucune commune connue à moins de 30 km de ces coordonnées.")
        departement = commune.departement_id
        if not permissions.can_search_slots(request.user, departement):
            raise deny("Vous ne pouvez chercher des créneaux que pour un patient de vos territoires.")
        start = data.get("start") or timezone.now()
        end = data.get("end") or start + timedelta(hours=48)
        results = selectors.slots_search(
            latitude=latitude,
            longitude=longitude,
            radius_km=data.get("radius_km"),
            start=start,
            end=end,
            modalities=set(data.get("modalities") or ()) or None,
            specialty_code=data["specialty"],
            departement=departement,
            limit=data["limit"],
        )
        body = {
            "count": len(results),
            "radius_km": results[0].radius_km if results else data.get("radius_km") or 0.0,
            "widened": bool(results and results[0].widened),
            "departement": departement,
            "window_start": start,
            "window_end": end,
            "results": results,
        }
        return Response(self.OutputSerializer(body).data)
