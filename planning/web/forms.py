"""Forms of `planning`."""

from __future__ import annotations

from django import forms
from dsfr.forms import DsfrBaseForm

from planning.enums import AvailabilityKind, Modality
from planning.models import WEEKDAYS_FR


class DeclaredAvailabilityForm(DsfrBaseForm):
    kind = forms.ChoiceField(label="Répétition", choices=AvailabilityKind.choices)
    weekday = forms.TypedChoiceField(
        label="Jour (chaque semaine)",
        choices=[("", "—")] + [(str(i), day.capitalize()) for i, day in enumerate(WEEKDAYS_FR)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date = forms.DateField(
        label="Date (ponctuelle)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = forms.TimeField(label="Début", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Fin", widget=forms.TimeInput(attrs={"type": "time"}))
    modalities = forms.MultipleChoiceField(
        label="Modalités", choices=Modality.choices, widget=forms.CheckboxSelectMultiple
    )
    patients = forms.IntegerField(label="Nombre de patients", min_value=1, max_value=20, initial=1)

    def clean(self):
        data = super().clean()
        if data.get("kind") == AvailabilityKind.WEEKLY and data.get("weekday") is None:
            self.add_error("weekday", "Choisissez le jour de la semaine.")
        if data.get("kind") == AvailabilityKind.ONE_OFF and not data.get("date"):
            self.add_error("date", "Choisissez la date.")
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", "La fin doit suivre le début.")
        return data
