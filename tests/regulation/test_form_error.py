"""A service's refusal on a page's form (regulation/web/views/_common.py ``form_error``): on the
fields it names and at the top, but never twice in the error summary (issue 15's summary lists
every error once: a screen reader would read the same sentence twice)."""

from __future__ import annotations

from django import forms

from regulation.web.views._common import form_error
from sas_platform.exceptions import ApplicationError
from sas_platform.templatetags.platform_forms import error_summary_entries


class _Form(forms.Form):
    rpps = forms.CharField(required=False)
    reason = forms.CharField(required=False)


def _messages(form) -> list[str]:
    return [entry["message"] for entry in error_summary_entries(form)]


def test_a_message_on_a_field_is_not_repeated_at_the_top():
    form = _Form({"rpps": "123", "reason": "x"})
    assert form.is_valid()
    message = "RPPS : 11 chiffres attendus."
    form_error(form, ApplicationError(message, extra={"fields": {"rpps": [message]}}))
    assert _messages(form) == [message]
    assert form.errors["rpps"] == [message] and not form.non_field_errors()


def test_a_general_message_stays_at_the_top_beside_its_field_errors():
    form = _Form({"rpps": "123", "reason": ""})
    assert form.is_valid()
    form_error(
        form,
        ApplicationError("Correction refusée.", extra={"fields": {"reason": ["Motif obligatoire."]}}),
    )
    assert sorted(_messages(form)) == ["Correction refusée.", "Motif obligatoire."]
    assert form.non_field_errors() == ["Correction refusée."]
