"""``poll_sources``: one pending run per active source, polled by a worker after commit."""

import pytest
from django.core.management import call_command

from planning.enums import RunStatus
from planning.models import SourceRun
from planning.services import source_create


@pytest.mark.django_db
def test_poll_sources_requests_one_run_per_active_source(django_capture_on_commit_callbacks, capsys):
    active = source_create(
        name="active", label="Active", base_url="http://127.0.0.1:9/fhir", departement_code="13"
    )
    inactive = source_create(
        name="off", label="Off", base_url="http://127.0.0.1:9/fhir", departement_code="13"
    )
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("poll_sources")
    runs = list(SourceRun.objects.all())
    assert [(run.source_id, run.status) for run in runs] == [(active.pk, RunStatus.PENDING)]
    assert len(callbacks) == 1
    assert "1 interrogation(s)" in capsys.readouterr().out
