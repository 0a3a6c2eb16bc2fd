"""Forms of the vacation pages (French labels, DSFR)."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from planning.vacations.enums import TransferKind


class PlanningForm(DsfrBaseForm):
    structure = forms.TypedChoiceField(label="Structure", coerce=int)
    name = forms.CharField(label="Nom du planning", max_length=150)
    requires_approval = forms.BooleanField(label="Changements validés par le coordinateur", required=False)
    change_deadline_hours = forms.IntegerField(
        label="Délai minimal avant une vacation pour un changement (heures)",
        min_value=0,
        max_value=720,
        initial=24,
    )

    def __init__(self, *args, structures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["structure"].choices = [(s.pk, s.name) for s in structures]


class PeriodForm(DsfrBaseForm):
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La fin de la période précède son début.")
        return data


class TransferForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Type de changement", choices=TransferKind.choices)
    to_professional = forms.TypedChoiceField(
        label="Confrère (cession)", coerce=int, required=False, empty_value=None
    )
    counter_vacation = forms.TypedChoiceField(
        label="Vacation à recevoir (échange)", coerce=int, required=False, empty_value=None
    )
    message = forms.CharField(label="Message", max_length=300, required=False)

    def __init__(self, *args, colleagues=(), counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_professional"].choices = [("", "—")] + [(p.pk, str(p)) for p in colleagues]
        self.fields["counter_vacation"].choices = [("", "—"), *counters]


class DoneForm(DsfrBaseForm):
    done = forms.TypedChoiceField(
        label="La vacation a-t-elle eu lieu ?",
        choices=[("1", "Oui, effectuée"), ("0", "Non effectuée")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    patients_seen = forms.IntegerField(label="Patients vus", min_value=0, max_value=500, required=False)
