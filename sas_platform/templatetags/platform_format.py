"""Formats shared by every page: distances go through ``sas_platform.geo.km_label`` (one rounding)."""

from __future__ import annotations

from django import template

from sas_platform.geo import km_label

register = template.Library()


@register.filter
def km(value) -> str:
    """``{{ 8.15|km }}`` → « 8,2 km »; empty for no distance."""
    if value is None or value == "":
        return ""
    return km_label(float(value))


@register.filter
def km_radius(value) -> str:
    """A radius as set (« 10 km », « 12,5 km »): no needless decimal."""
    if value is None or value == "":
        return ""
    number = float(value)
    text = f"{number:g}".replace(".", ",")
    return f"{text} km"
