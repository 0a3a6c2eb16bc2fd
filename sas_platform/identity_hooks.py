"""Hooks the kernel calls when a user's identity or access changes; higher apps register them.

The kernel never imports ``cpts`` or ``planning`` (ARCHITECTURE.md: dependencies point down). Like
:mod:`sas_platform.navigation` and :mod:`sas_platform.demo`, apps register callables in their
``AppConfig.ready()``:

- :func:`register_psc_sign_in`: ``hook(user_id, national_id)`` after a Pro Santé Connect sign-in,
  in the request (``cpts`` links the account to the directory's professional);
- :func:`register_access_changed`: ``hook(user_id, reason)`` once the transaction that signed the
  user in, or changed their roles or territories, has committed (``planning`` provisions regulator
  accounts at the agenda editors, flow INT_R02).

A failing hook is logged and never breaks the sign-in or the change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)

PscSignInHook = Callable[[int, str], None]
AccessChangedHook = Callable[[int, str], None]

_PSC_SIGN_IN: list[PscSignInHook] = []
_ACCESS_CHANGED: list[AccessChangedHook] = []


def register_psc_sign_in(hook: PscSignInHook) -> None:
    if hook not in _PSC_SIGN_IN:
        _PSC_SIGN_IN.append(hook)


def register_access_changed(hook: AccessChangedHook) -> None:
    if hook not in _ACCESS_CHANGED:
        _ACCESS_CHANGED.append(hook)


def _run(hooks: list, *args) -> None:
    for hook in list(hooks):
        try:
            hook(*args)
        except Exception:  # a hook's failure must not undo a sign-in or a role change
            logger.exception("Crochet d'identité en échec : %s", getattr(hook, "__qualname__", hook))


def psc_signed_in(*, user_id: int, national_id: str) -> None:
    _run(_PSC_SIGN_IN, user_id, national_id)


def access_changed(*, user_id: int, reason: str) -> None:
    """Run the access hooks after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _run(_ACCESS_CHANGED, user_id, reason))
