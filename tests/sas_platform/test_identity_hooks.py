"""The kernel's identity hooks: higher apps react to sign-ins and access changes without the kernel
importing them; a failing hook never breaks the sign-in or the change."""

from __future__ import annotations

import pytest

from sas_platform import identity_hooks
from sas_platform.enums import Role
from sas_platform.services import user_set_roles


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setattr(identity_hooks, "_ACCESS_CHANGED", [])
    monkeypatch.setattr(identity_hooks, "_PSC_SIGN_IN", [])
    return identity_hooks


@pytest.mark.django_db
def test_access_hooks_run_after_commit_only_on_a_real_change(
    hooks, make_user, django_capture_on_commit_callbacks
):
    seen = []
    hooks.register_access_changed(lambda user_id, reason: seen.append((user_id, reason)))
    hooks.register_access_changed(lambda user_id, reason: 1 / 0)  # logged, never raised
    user = make_user(Role.ARM)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user_set_roles(user=user, roles=[Role.OSNP], actor=None)
    assert seen == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert seen == [(user.pk, "roles")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        user_set_roles(user=user, roles=[Role.OSNP], actor=None)  # same roles: no hook
    assert callbacks == []


def test_psc_hooks_are_registered_once_and_failures_are_contained(hooks, caplog):
    seen = []

    def hook(user_id, national_id):
        seen.append((user_id, national_id))

    hooks.register_psc_sign_in(hook)
    hooks.register_psc_sign_in(hook)
    hooks.register_psc_sign_in(lambda *_: (_ for _ in ()).throw(RuntimeError("panne")))
    hooks.psc_signed_in(user_id=7, national_id="810003384327")
    assert seen == [(7, "810003384327")]
    assert "Crochet d'identité en échec" in caplog.text
