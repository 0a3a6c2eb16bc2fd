"""Form helpers of the DSFR pages: the error summary at the top of a form with errors.

DSFR and RGAA: when a submitted form has errors, a summary at its top lists each one with a
link to its field (the field itself carries ``aria-invalid`` and ``aria-describedby`` pointing
to its message, set by django-dsfr's rendering).
"""

from __future__ import annotations

from django import template

register = template.Library()


def error_summary_entries(form) -> list[dict]:
    """One entry per error, non-field errors first; ``anchor`` is the field's input (first radio), or
    for a hidden field the control the form names in ``error_anchors`` (e.g. an autocomplete)."""
    if form is None or not form.is_bound or not form.errors:
        return []
    entries = [{"label": "", "message": str(e), "anchor": ""} for e in form.non_field_errors()]
    anchors = getattr(form, "error_anchors", {})  # a hidden field shown by another control (id)
    for bound in form:
        if not bound.errors:
            continue
        anchor = anchors.get(bound.name) or (
            "" if bound.is_hidden else (bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else ""))
        )
        for error in bound.errors:
            entries.append({"label": str(bound.label or ""), "message": str(error), "anchor": anchor})
    return entries


@register.inclusion_tag("sas_platform/partials/form_error_summary.html")
def form_error_summary(form, title: str = "") -> dict:
    entries = error_summary_entries(form)
    return {
        "entries": entries,
        "count": len(entries),
        "title": title,
        "summary_id": f"erreurs-{form.prefix}" if form is not None and form.prefix else "erreurs-formulaire",
    }
