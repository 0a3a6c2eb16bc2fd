"""Commune search keys include the article (``la ciotat``), so ``la ciotat`` and ``ciotat`` both match.

Data only: recomputes ``search_name`` from ``name_with_article`` for communes loaded before.
``load_geography`` writes the same value, so a later load reports these communes unchanged.
"""

import re
import unicodedata

from django.db import migrations

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _search_key(text):
    # Frozen copy of sas_platform.geo.search_key at the time of this migration.
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    words = _NON_ALNUM.sub(" ", ascii_text).split()
    return " ".join({"st": "saint", "ste": "sainte"}.get(word, word) for word in words)


def _recompute(apps, field):
    Commune = apps.get_model("sas_platform", "Commune")
    changed = []
    for commune in Commune.objects.only("insee_code", "name", "name_with_article", "search_name").iterator():
        key = _search_key(getattr(commune, field))
        if commune.search_name != key:
            commune.search_name = key
            changed.append(commune)
    Commune.objects.bulk_update(changed, ["search_name"], batch_size=2000)


def forwards(apps, schema_editor):
    _recompute(apps, "name_with_article")


def backwards(apps, schema_editor):
    _recompute(apps, "name")


class Migration(migrations.Migration):
    dependencies = [("sas_platform", "0002_roles_and_append_only_audit")]

    operations = [migrations.RunPython(forwards, backwards)]
