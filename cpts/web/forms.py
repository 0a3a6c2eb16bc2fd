"""Forms of `cpts` (DSFR). They parse and validate input; services apply the rules."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from cpts.enums import ParticipationMode, ParticipationStatus, VisibilityMode
from sas_platform.identifiers import normalize_rpps, validate_rpps
from sas_platform.models import Commune
from sas_platform.selectors import communes_search

#: A browser date picker needs ISO dates whatever the locale's display format.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
RADIUS_CHOICES = [
    ("", "—"),
    ("5", "5 km"),
    ("10", "10 km"),
    ("15", "15 km"),
    ("20", "20 km"),
    ("30", "30 km"),
]
PROFESSION_CHOICES = [
    ("", "Toutes"),
    ("10", "Médecin"),
    ("60", "Infirmier"),
    ("70", "Masseur-kinésithérapeute"),
    ("50", "Sage-femme"),
    ("21", "Pharmacien"),
    ("40", "Chirurgien-dentiste"),
]
_CHOSEN_COMMUNE = re.compile(r".*\((?:INSEE )?(?P<insee>[0-9][0-9AB][0-9]{3})\)")
SPECIALTY_CHOICES = [("", "Toutes"), ("SM54", "Médecine générale (SM54)"), ("SM40", "Pédiatrie (SM40)")]


class DirectorySearchForm(DsfrBaseForm):
    name = forms.CharField(label="Nom", required=False)
    rpps = forms.CharField(label="RPPS", required=False, max_length=12)
    profession = forms.ChoiceField(label="Profession", choices=PROFESSION_CHOICES, required=False)
    specialty = forms.ChoiceField(
        label="Spécialité (savoir-faire)", choices=SPECIALTY_CHOICES, required=False
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        help_text="Nom, code postal ou code INSEE (par ex. Aubagne, 13400) ; flèches pour choisir une proposition",
        # A combobox (static/cpts/commune-autocomplete.js) fed by the platform's commune search.
        widget=forms.TextInput(
            attrs={
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-controls": "directory-commune-options",
                "aria-expanded": "false",
                "autocomplete": "off",
                "data-autocomplete-url": reverse_lazy("commune-autocomplete"),
            }
        ),
    )
    radius_km = forms.ChoiceField(label="Rayon de recherche", choices=RADIUS_CHOICES, required=False)
    structure = forms.TypedChoiceField(label="Structure", coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label="Participation au SAS", choices=[("", "Toutes"), *ParticipationStatus.choices], required=False
    )
    surnumeraire = forms.BooleanField(label="Accepte le surnuméraire", required=False)

    def __init__(self, *args, structures=(), departements: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.departements = departements
        self.fields["structure"].choices = [("", "Toutes"), *((s.pk, str(s)) for s in structures)]

    def clean_commune(self) -> Commune | None:
        text = self.cleaned_data.get("commune", "").strip()
        if not text:
            return None
        chosen = _CHOSEN_COMMUNE.fullmatch(text)  # "Aubagne (INSEE 13005)", as the autocomplete writes it
        if chosen:
            text = chosen["insee"]
        found = Commune.objects.filter(insee_code=text.upper()).first()
        if found is None:
            matches = communes_search(
                query=text, departements=sorted(self.departements) if self.departements else None, limit=1
            )
            found = matches[0] if matches else None
        if found is None:
            raise forms.ValidationError(f"Aucune commune ne correspond à « {text} ».")
        return found

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("radius_km") and not cleaned.get("commune"):
            self.add_error("commune", "Indiquez la commune autour de laquelle chercher.")
        return cleaned

    def is_empty(self) -> bool:
        return not any(self.data.get(name) for name in self.fields)


class MemberAddForm(DsfrBaseForm):
    rpps = forms.CharField(label="RPPS du professionnel", max_length=12, help_text="11 chiffres")
    start_date = forms.DateField(label="Date d'adhésion", initial=timezone.localdate, widget=DATE_INPUT)

    def clean_rpps(self) -> str:
        value = self.cleaned_data["rpps"]
        validate_rpps(value)  # forms reject wrong keys (imports keep and flag them)
        return normalize_rpps(value)


class MembershipEndForm(DsfrBaseForm):
    end_date = forms.DateField(label="Date de fin", initial=timezone.localdate, widget=DATE_INPUT)


class ParticipationForm(DsfrBaseForm):
    """ "Je participe au SAS" (DOMAIN.md §4), by the doctor or for a member."""

    mode = forms.ChoiceField(
        label="Je participe au SAS", choices=ParticipationMode.choices, widget=forms.RadioSelect
    )
    structure = forms.TypedChoiceField(
        label="Structure", coerce=int, required=False, empty_value=None, help_text="Sauf à titre individuel"
    )
    accepts_surnumeraire = forms.BooleanField(
        label="J'accepte les demandes de prise en charge en surnuméraire", required=False
    )
    visibility = forms.ChoiceField(
        label="Visibilité de mes disponibilités", choices=VisibilityMode.choices, widget=forms.RadioSelect
    )
    start_date = forms.DateField(label="À partir du", initial=timezone.localdate, widget=DATE_INPUT)

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [("", "—"), *((s.pk, str(s)) for s in structures)]


class MemberParticipationForm(ParticipationForm):
    consent = forms.BooleanField(
        label="Le médecin a donné son consentement à cette déclaration",
        required=True,
        error_messages={"required": "Recueillez le consentement du médecin avant de déclarer pour lui."},
    )
    professional = forms.IntegerField(widget=forms.HiddenInput)


class StructureContactForm(DsfrBaseForm):
    phone = forms.CharField(label="Téléphone pour la régulation", max_length=20)
    email = forms.EmailField(label="Courriel pour la régulation", required=False)


class ParticipationCloseForm(DsfrBaseForm):
    end_date = forms.DateField(
        label="Dernier jour de participation",
        initial=timezone.localdate,
        widget=DATE_INPUT,
    )
