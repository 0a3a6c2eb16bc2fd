"""Forms of `regulation`: the desk is keyboard-first (focus order = field order, accesskeys on actions)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from regulation import plausibility
from regulation.enums import (
    OUTCOME_STATUSES,
    AppointmentStatus,
    CallerRelation,
    CareLevel,
    Decision,
    Modality,
    OrientationResult,
    Origin,
    Priority,
    RequestChannel,
    RequestStatus,
    Sex,
    TreatingDoctorCallResult,
)
from sas_platform.selectors import commune_get

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PickupForm(DsfrBaseForm):
    """What the ARM takes down (DOMAIN.md §3.1 step 1). The commune is chosen in the autocomplete
    (name or postal code); its INSEE code travels in the hidden ``commune`` field."""

    origin = forms.ChoiceField(label="Origine de l'appel", choices=Origin.choices, initial=Origin.CENTRE_15)
    caller_name = forms.CharField(label="Nom de l'appelant", max_length=150, required=False)
    caller_phone = forms.CharField(label="Téléphone de l'appelant", max_length=20, required=False)
    caller_relation = forms.ChoiceField(label="Lien avec le patient", choices=CallerRelation.choices)
    patient_last_name = forms.CharField(label="Nom du patient", max_length=150, required=False)
    patient_first_name = forms.CharField(label="Prénom du patient", max_length=150, required=False)
    patient_birth_date = forms.DateField(
        label="Date de naissance", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    patient_age = forms.IntegerField(
        label="Âge (si date inconnue)", min_value=0, max_value=plausibility.MAX_AGE_YEARS, required=False
    )
    patient_sex = forms.ChoiceField(label="Sexe", choices=Sex.choices, required=False)
    patient_phone = forms.CharField(label="Téléphone du patient", max_length=20, required=False)
    commune = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "Choisissez la commune."})
    address = forms.CharField(label="Adresse (facultatif)", max_length=255, required=False)
    reason = forms.CharField(label="Motif de l'appel", widget=forms.Textarea(attrs={"rows": 3}))
    priority = forms.ChoiceField(label="Priorité", choices=Priority.choices, initial=Priority.P2)
    treating_doctor_name = forms.CharField(
        label="Médecin traitant (si connu)", max_length=150, required=False
    )
    submission = forms.CharField(widget=forms.HiddenInput, required=False)
    # The error summary's link for the hidden ``commune``: the visible autocomplete field.
    error_anchors = {"commune": "commune-search"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["origin"].widget.attrs["autofocus"] = True

    def clean_commune(self):
        commune = commune_get(insee_code=self.cleaned_data["commune"].strip())
        if commune is None:
            raise forms.ValidationError("Commune inconnue : choisissez-la dans la liste proposée.")
        return commune

    def clean_patient_birth_date(self):
        """The service's rule (``plausibility.check_birth_date``), shown on the field at once."""
        born = self.cleaned_data.get("patient_birth_date")
        try:
            plausibility.check_birth_date(born, today=timezone.localdate())
        except plausibility.ImplausibleValue as exc:
            raise forms.ValidationError(exc.message) from exc
        return born

    def details(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("commune", "reason", "submission"):
            data.pop(key, None)
        return data


class DecisionForm(DsfrBaseForm):
    """The regulator's decision (DOMAIN.md §3.1 step 2)."""

    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    priority = forms.ChoiceField(label="Priorité", choices=Priority.choices)
    care_level = forms.ChoiceField(
        label="Niveau de soins", choices=[("", "—"), *CareLevel.choices], required=False
    )
    notes = forms.CharField(
        label="Notes du régulateur", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TreatingDoctorForm(DsfrBaseForm):
    result = forms.ChoiceField(label="Résultat de l'appel", choices=TreatingDoctorCallResult.choices)
    name = forms.CharField(label="Médecin traitant", max_length=150, required=False)
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)
    appointment_start = forms.DateTimeField(
        label="Heure du rendez-vous (si reçu)", required=False, widget=DATETIME_LOCAL
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == TreatingDoctorCallResult.APPOINTMENT and not data.get("appointment_start"):
            self.add_error("appointment_start", "Indiquez l'heure du rendez-vous avec le médecin traitant.")
        return data


class SearchForm(DsfrBaseForm):
    modality = forms.ChoiceField(label="Modalité", choices=Modality.choices, required=False)
    radius_km = forms.IntegerField(label="Rayon (km)", min_value=1, max_value=100, required=False)


class SurnumeraireAskForm(forms.Form):
    professional = forms.IntegerField(required=False)
    structure = forms.IntegerField(required=False)
    channel = forms.ChoiceField(choices=RequestChannel.choices)

    def clean(self):
        data = super().clean()
        if bool(data.get("professional")) == bool(data.get("structure")):
            raise forms.ValidationError("Choisissez un médecin ou une structure.")
        return data


class RequestAnswerForm(DsfrBaseForm):
    status = forms.ChoiceField(
        label="Réponse",
        choices=[
            (s, label)
            for s, label in RequestStatus.choices
            if s not in (RequestStatus.PENDING, RequestStatus.CANCELLED)
        ],
    )
    doctor_name = forms.CharField(label="Médecin qui prend le patient", max_length=150, required=False)
    member = forms.CharField(label="Médecin de la structure (RPPS)", max_length=20, required=False)
    appointment_at = forms.DateTimeField(label="Heure du rendez-vous", required=False, widget=DATETIME_LOCAL)
    notes = forms.CharField(label="Précisions", max_length=255, required=False)

    def clean(self):
        data = super().clean()
        accepted = data.get("status") == RequestStatus.ACCEPTED
        if accepted and not data.get("doctor_name", "").strip() and not data.get("member", "").strip():
            self.add_error("doctor_name", "Indiquez le médecin qui prend le patient.")
        return data


class OrientationCloseForm(forms.Form):
    result = forms.ChoiceField(
        choices=[
            (r, label)
            for r, label in OrientationResult.choices
            if r
            in (
                OrientationResult.ADVICE,
                OrientationResult.EMERGENCY_DEPARTMENT,
                OrientationResult.AMU,
                OrientationResult.PDSA,
            )
        ]
    )
    notes = forms.CharField(required=False, max_length=500)


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s, label) for s, label in AppointmentStatus.choices if s in ("fulfilled", "noshow", "cancelled")
        ]
    )


class MonthForm(forms.Form):
    """``?mois=2026-03&territoire=13`` on the shift and dashboard pages."""

    mois = forms.DateField(required=False, input_formats=["%Y-%m"])
    territoire = forms.CharField(required=False, max_length=3)


LONG_SHIFT_LABEL = "Je confirme une garde de plus de 12 heures"


class ShiftScheduleForm(DsfrBaseForm):
    """One shift of the monthly schedule; an end before the start means the next morning."""

    regulator = forms.ModelChoiceField(label="Régulateur", queryset=None, empty_label="—")
    day = forms.DateField(label="Jour", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Début", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Fin", widget=forms.TimeInput(attrs={"type": "time"}))
    confirm_long = forms.BooleanField(label=LONG_SHIFT_LABEL, required=False)

    def __init__(self, *args, regulators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulator"].queryset = regulators

    def clean(self):
        data = super().clean()
        if data.get("start_time") is not None and data.get("start_time") == data.get("end_time"):
            self.add_error(
                "end_time", "La fin de la garde doit différer de son début (une garde dure au plus 24 h)."
            )
        return data

    def period(self) -> tuple:
        import datetime as dt

        tz = timezone.get_default_timezone()
        data = self.cleaned_data
        start = dt.datetime.combine(data["day"], data["start_time"], tzinfo=tz)
        end_day = data["day"] + dt.timedelta(days=1 if data["end_time"] <= data["start_time"] else 0)
        return start, dt.datetime.combine(end_day, data["end_time"], tzinfo=tz)


class ShiftCorrectForm(DsfrBaseForm):
    start = forms.DateTimeField(label="Début", widget=DATETIME_LOCAL)
    end = forms.DateTimeField(label="Fin", widget=DATETIME_LOCAL, required=False)
    cancel = forms.BooleanField(label="Annuler cette garde", required=False)
    confirm_long = forms.BooleanField(label=LONG_SHIFT_LABEL, required=False)
    reason = forms.CharField(label="Motif de la correction", max_length=255)


class DashboardForm(forms.Form):
    periode = forms.ChoiceField(
        label="Période",
        choices=[("jour", "Jour"), ("semaine", "Semaine"), ("mois", "Mois")],
        required=False,
    )
    date = forms.DateField(label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    territoire = forms.CharField(label="Territoire", required=False, max_length=3)


class ActFactCorrectForm(DsfrBaseForm):
    """An act's pay facts corrected by a SAS administrator (issue 12 §3). The fields are only read
    here: ``services.act_fact_correct`` judges them (one set of French messages with the API)."""

    outcome = forms.CharField(
        label="Issue",
        required=False,
        widget=forms.Select(choices=[(s.value, s.label) for s in OUTCOME_STATUSES]),
    )
    rpps = forms.CharField(label="RPPS de l'effecteur", max_length=20, required=False)
    is_treating_doctor = forms.BooleanField(
        label="L'effecteur est le médecin traitant du patient", required=False
    )
    reason = forms.CharField(label="Motif de la correction", max_length=200, required=False)


class ActFactFilterForm(DsfrBaseForm):
    """``?territoire=13&mois=2026-10&rpps=…&issue=…&corrigees=1`` on the territory's acts page."""

    territoire = forms.CharField(required=False, max_length=3, label="Territoire")
    mois = forms.DateField(
        required=False,
        input_formats=["%Y-%m"],
        label="Mois du rendez-vous",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": "Mois attendu au format AAAA-MM."},
    )
    rpps = forms.RegexField(
        required=False,
        regex=r"^\d{11}$",
        label="RPPS de l'effecteur",
        error_messages={"invalid": "Le RPPS compte 11 chiffres."},
    )
    issue = forms.ChoiceField(required=False, label="Issue")
    corrigees = forms.BooleanField(required=False, label="Corrigés seulement")

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue"].choices = [("", "Toutes"), *outcomes]
