"""Forms of `remuneration` (French labels and errors)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from remuneration.enums import BordereauKind, BordereauStatus, ProtocolKind
from remuneration.rules.aci import CRISIS_CHOICES, MISSION_LABELS, MISSIONS


class BordereauFilterForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous"), *BordereauKind.choices])
    period = forms.CharField(
        label="Période", required=False, max_length=7, help_text="2026-11, 2026-Q3, 2026-S2, 2026"
    )
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *BordereauStatus.choices])


class PrepareForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de bordereau", choices=BordereauKind.choices)
    territory = forms.ChoiceField(label="Territoire")
    period = forms.CharField(
        label="Période",
        max_length=7,
        help_text="Mois 2026-11, trimestre 2026-Q3, semestre 2026-S2 ou année 2026",
    )

    def __init__(self, *args, territories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].choices = [(t.pk, str(t)) for t in territories]


class SendBackForm(DsfrBaseForm):
    reason = forms.CharField(
        label="Motif du renvoi", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


CRISIS_LABELS = {
    "none": "Pas de crise déclarée",
    "plan": "Plan de crise rédigé",
    "declared": "Crise sanitaire grave déclarée",
}


class AciSimulatorForm(DsfrBaseForm):
    size = forms.TypedChoiceField(
        label="Taille",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Calculée d'après la population"), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
    )
    population = forms.IntegerField(label="Population couverte", required=False, min_value=0)
    members = forms.IntegerField(
        label="Membres (professionnels et structures adhérentes)", min_value=0, initial=0
    )
    signed_on = forms.DateField(
        label="Date de signature de l'ACI", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    with_sas = forms.BooleanField(label="Un SAS existe sur le territoire", required=False, initial=True)
    mission = forms.ChoiceField(
        label="Mission", choices=[*MISSION_LABELS.items(), ("all", "Toutes les missions")]
    )
    year_of_contract = forms.IntegerField(label="Année du contrat", min_value=1, initial=1)
    crisis = forms.ChoiceField(
        label="Crise sanitaire", choices=[(c, CRISIS_LABELS[c]) for c in CRISIS_CHOICES]
    )
    early_mission = forms.BooleanField(label="Contrat de mission précoce", required=False)

    def clean(self):
        data = super().clean()
        if data.get("size") is None and data.get("population") is None:
            raise forms.ValidationError("Indiquez la taille de la CPTS ou sa population.")
        return data


__all__ = ["MISSIONS"]


class ProtocolActForm(DsfrBaseForm):
    """A protocol act (DOMAIN.md §7.7); the rules are checked by ``protocol_act_record``."""

    protocol = forms.ChoiceField(
        label="Protocole", choices=[("", "Choisir un protocole"), *ProtocolKind.choices]
    )
    patient_pseudonym = forms.CharField(
        label="Patient (pseudonyme)",
        max_length=64,
        help_text="Le code que la structure attribue au patient : ni nom, ni NIR.",
    )
    act_date = forms.DateField(label="Date de l'acte", widget=forms.DateInput(attrs={"type": "date"}))
    professional = forms.TypedChoiceField(label="Professionnel", coerce=int, empty_value=None)
    consultation = forms.ChoiceField(
        label="Consultation",
        choices=[
            ("first", "Première consultation (inclusion)"),
            ("second", "Deuxième consultation / réévaluation"),
        ],
        initial="first",
        widget=forms.RadioSelect,
    )
    common_law_billed = forms.BooleanField(
        label="Le patient a aussi été facturé en droit commun par les mêmes professionnels le jour même ou le lendemain",
        required=False,
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].choices = [("", "Choisir un membre")] + [
            (p.pk, f"{p.last_name} {p.first_name} ({p.identifier})") for p in members
        ]
