"""Seed the barèmes of DOMAIN.md §7 (data migration; reversible)."""

from django.db import migrations

from remuneration.migrations._bareme_seed import ROWS, seed


def forwards(apps, schema_editor):
    seed(apps.get_model("remuneration", "Bareme"))


def backwards(apps, schema_editor):
    Bareme = apps.get_model("remuneration", "Bareme")
    for row in ROWS:
        Bareme.objects.filter(code=row["code"], valid_from=row["valid_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [("remuneration", "0001_baremes_bordereaux_protocols")]
    operations = [migrations.RunPython(forwards, backwards)]
