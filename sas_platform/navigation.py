"""Navigation by role: apps register their entries, the base template shows the allowed ones.

An entry is shown when the user holds one of its roles (or any role when ``roles`` is empty).
Apps register in their ``AppConfig.ready()``; the order of registration is the menu order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from sas_platform.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_REGISTRY: list[NavItem] = []


def register(label: str, url_name: str, roles: set[Role] | frozenset[Role] = frozenset()) -> None:
    item = NavItem(label=label, url_name=url_name, roles=frozenset(str(r) for r in roles))
    if item not in _REGISTRY:
        _REGISTRY.append(item)


def items_for(user) -> list[dict]:
    """Entries the user may see, as ``{"label", "url", "url_name"}`` dicts."""
    if not user.is_authenticated:
        return []
    held = user.role_codes
    result = []
    for item in _REGISTRY:
        if item.roles and not (held & item.roles):
            continue
        url = item.url()
        if url:
            result.append({"label": item.label, "url": url, "url_name": item.url_name})
    return result
