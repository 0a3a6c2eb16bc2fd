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
    start = forms.DateField(label="Du", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label="Au (inclus)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

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


WEEKDAYS = [
    ("0", "Lundi"),
    ("1", "Mardi"),
    ("2", "Mercredi"),
    ("3", "Jeudi"),
    ("4", "Vendredi"),
    ("5", "Samedi"),
    ("6", "Dimanche"),
]


class TemplateForm(DsfrBaseForm):
    """A vacation type and its weekly template in one go (the usual first set-up)."""

    name = forms.CharField(label="Type de vacation", max_length=150, initial="SNP cabinet 14 h–18 h")
    group = forms.CharField(label="Groupe (nouveau ou existant)", max_length=150, required=False)
    start_time = forms.TimeField(label="Début", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label="Fin (avant le début : le lendemain)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    weekdays = forms.MultipleChoiceField(label="Jours", choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple)
    modality = forms.ChoiceField(
        label="Modalité",
        choices=[("AMB", "Au cabinet"), ("VR", "Téléconsultation"), ("HH", "Visites à domicile")],
    )
    capacity = forms.IntegerField(label="Capacité (patients)", min_value=0, max_value=50, initial=4)
    count = forms.IntegerField(label="Vacations par créneau", min_value=1, max_value=20, initial=1)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("start_time") == data.get("end_time"):
            self.add_error("end_time", "La fin doit différer du début.")
        return data


class RuleForm(DsfrBaseForm):
    name = forms.CharField(label="Nom de la règle", max_length=150)
    kind = forms.ChoiceField(
        label="Type",
        choices=[
            ("cap", "Plafond de vacations"),
            ("share", "Part maximale (%)"),
            ("min_rest", "Repos minimal (h)"),
        ],
    )
    period = forms.ChoiceField(
        label="Période", choices=[("week", "Semaine"), ("month", "Mois"), ("quarter", "Trimestre")]
    )
    value = forms.DecimalField(
        label="Valeur (nombre, % ou heures)", min_value=1, max_value=1000, decimal_places=2
    )


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class LeaveForm(DsfrBaseForm):
    """A leave over whole days (both included); the rules are the service's (French messages)."""

    start = _date_field("Du")
    end = _date_field("Au (inclus)")
    reason = forms.CharField(label="Motif (facultatif)", max_length=150, required=False)


class CoordinatorLeaveForm(LeaveForm):
    professional = forms.TypedChoiceField(label="Professionnel", coerce=int)
    confirm = forms.BooleanField(
        label="Enregistrer même si le professionnel tient des vacations pendant cette période "
        "(elles resteront attribuées, à réattribuer)",
        required=False,
    )
    field_order = ["professional", "start", "end", "reason", "confirm"]

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professional"].choices = list(people)


class ClosureForm(DsfrBaseForm):
    day = _date_field("Jour de fermeture")


def int_or_none(raw) -> int | None:
    """A filter's id from the query string (``?groupe=``, ``?personne=``); anything else: no filter."""
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
