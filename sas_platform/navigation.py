"""Navigation by role: apps register their entries, the base template shows the allowed ones.

An entry is shown when the user holds one of its roles (or any role when ``roles`` is empty).
Apps register in their ``AppConfig.ready()``; the order of registration is the menu order. An
entry registered with ``home=True`` is also a link of its roles' sections on the home page
(:func:`home_links_for`): the kernel never names another app's pages. An app may also say
what a role's home section shows now (:func:`register_status`, a provider reading its own selectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from sas_platform.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = frozenset()
    home: bool = False

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


_REGISTRY: list[NavItem] = []


def register(
    label: str, url_name: str, roles: set[Role] | frozenset[Role] = frozenset(), *, home: bool = False
) -> None:
    item = NavItem(label=label, url_name=url_name, roles=frozenset(str(r) for r in roles), home=home)
    if item not in _REGISTRY:
        _REGISTRY.append(item)


def home_links_for(role: str) -> list[tuple[str, str]]:
    """(label, URL name) of the entries registered with ``home=True`` for ``role``, in menu order."""
    return [(item.label, item.url_name) for item in _REGISTRY if item.home and str(role) in item.roles]


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


# --- What a role's home section says now (apps register a provider) ---------------------------
@dataclass(frozen=True)
class HomeStatus:
    """What a role's section says now, read from data. ``count`` 0 shows the section's empty state."""

    message: str
    count: int | None = None
    level: str = "info"  # "info" | "warning" | "success": DSFR notice/badge flavour


StatusProvider = Callable[..., "HomeStatus | None"]
_STATUS_PROVIDERS: dict[str, list[StatusProvider]] = {}
_LEVELS = ("warning", "info", "success")  # the most urgent flavour wins when sections combine


def register_status(role: Role | str, provider: StatusProvider) -> None:
    """Let an app say what a role's section shows (``provider(user=...)``; ``None``: nothing to say).

    Several apps may speak for one role (the coordinator's SAS requests and vacation changes):
    their statuses are combined in registration order; registering the same provider twice is a no-op.
    """
    providers = _STATUS_PROVIDERS.setdefault(str(role), [])
    if provider not in providers:
        providers.append(provider)


def combine_statuses(statuses: list[HomeStatus | None]) -> HomeStatus | None:
    """One status from several: the messages in order (each counted one with its number), the counts
    added (``None`` when none counts), the most urgent level. A status with ``count == 0`` has nothing
    pending and is left out."""
    kept = [s for s in statuses if s is not None and s.count != 0]
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    counts = [s.count for s in kept if s.count is not None]
    return HomeStatus(
        # Beside another status, a counted message says its own number (the badge shows the sum).
        message=" ".join(
            f"{s.count} {s.message}" if s.count and not s.message[:1].isdigit() else s.message
            for s in kept
            if s.message
        ),
        count=sum(counts) if counts else None,
        level=min((s.level for s in kept), key=lambda lv: _LEVELS.index(lv) if lv in _LEVELS else 1),
    )


def status_for(role: Role | str, user) -> HomeStatus | None:
    return combine_statuses([provider(user=user) for provider in _STATUS_PROVIDERS.get(str(role), [])])
