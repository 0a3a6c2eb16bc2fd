"""``Booking.slot_id`` (a plain integer) becomes a foreign key to ``planning.Slot``.

Same column, same type (bigint): the state changes, then an index and a database constraint
``ON DELETE SET NULL`` are added (PostgreSQL), so planning keeps deleting slots with a fast
delete while a booking never points to a missing slot. Bookings pointing to a slot that no
longer exists are set to NULL first (they keep doctor, RPPS and start).
"""

from django.db import migrations, models
from django.db.models import Q

CONSTRAINT = "regulation_booking_slot_fk_planning_slot"


def forget_missing_slots(apps, schema_editor):
    Booking = apps.get_model("regulation", "Booking")
    Slot = apps.get_model("planning", "Slot")
    Booking.objects.filter(slot_id__isnull=False).exclude(slot_id__in=Slot.objects.values("pk")).update(
        slot_id=None
    )


def add_database_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "regulation_booking" ADD CONSTRAINT "{CONSTRAINT}" FOREIGN KEY ("slot_id") '
        'REFERENCES "planning_slot" ("id") ON DELETE SET NULL'
    )


def drop_database_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'ALTER TABLE "regulation_booking" DROP CONSTRAINT IF EXISTS "{CONSTRAINT}"')


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0001_slots_sources_declared_availability"),
        ("regulation", "0002_act_facts_and_regulator_shifts"),
    ]

    operations = [
        migrations.RunPython(forget_missing_slots, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="booking", name="booking_one_active_per_slot"),
                migrations.RemoveField(model_name="booking", name="slot_id"),
                migrations.AddField(
                    model_name="booking",
                    name="slot",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.DO_NOTHING,
                        related_name="+",
                        to="planning.slot",
                        verbose_name="créneau (planning)",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="booking",
                    constraint=models.UniqueConstraint(
                        condition=Q(("slot__isnull", False), ("status__in", ("held", "booked"))),
                        fields=("slot",),
                        name="booking_one_active_per_slot",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="booking",
            name="slot",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                to="planning.slot",
                verbose_name="créneau (planning)",
            ),
        ),
        migrations.RunPython(add_database_constraint, drop_database_constraint),
    ]
