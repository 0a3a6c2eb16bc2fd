"""Fixtures of the planning tests: IG example bundles, their professionals, real HTTP servers."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.planning.ans_kit_fixtures import (  # noqa: F401  (fixtures of the ANS test kit modules)
    kit_cpts_world,
    kit_geography,
    kit_geography_after_module,
    kit_national_platform,
    kit_pki,
    kit_proxy,
    kit_search,
    kit_trust_the_proxy,
    kit_world,
)
from tests.planning.factories import professional_with_place

IG_EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "sas-ig" / "examples"


def ig_bundle(name: str) -> dict:
    """``ig_bundle("PSIndiv")`` → the official example ``Bundle-ExampleBundlePSIndiv.json``."""
    return json.loads((IG_EXAMPLES / f"Bundle-ExampleBundle{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    """Breaker states and poll locks live in the cache (Redis db 3 here), the search's source
    metadata in the process: start each test clean, and retry fast."""
    from planning.selectors import sources_cache_clear

    settings.PLANNING_CONNECTOR_RETRY_WAIT_SECONDS = 0.01
    cache.clear()
    sources_cache_clear()
    yield
    cache.clear()
    sources_cache_clear()


@pytest.fixture
def ig_professionals(db):
    """The practitioners of the IG examples, in the directory with their places (Agen, Aussonne)."""
    return {
        "thomas": professional_with_place(
            "10100050075", insee="47001", last_name="Thomas", finess="810004421"
        ),
        "marcel": professional_with_place(
            "10002673899", insee="47001", last_name="Marcel", postal_code="47000"
        ),
        "foret": professional_with_place(
            "10002909371", insee="31032", last_name="Foret", postal_code="31840"
        ),
    }


@pytest.fixture
def demo_editor():
    """The demo agenda editor on an ephemeral port of 127.0.0.1, in a thread (``.url``, ``.config``)."""
    from demo_editor.server import make_server

    server = make_server(port=0, platform_url="http://127.0.0.1:9", token="jeton-de-test", page_size=40)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.config = server.RequestHandlerClass.config
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def geography_13(transactional_db):
    """Transactional tests flush every table after them: reload the 13's communes when gone."""
    from sas_platform.models import Commune
    from sas_platform.services import geography_load

    if not Commune.objects.filter(insee_code="13201").exists():
        geography_load(departements={"13"})
