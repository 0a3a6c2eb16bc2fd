"""WHO IS PAID WHAT, AND WHY: barèmes, computations, payment periods, bordereaux.

Nothing is computed yet: the app has the common layout and its one permission
(:func:`remuneration.permissions.can_view_remuneration`). It will read its facts through the
selectors of ``regulation``, ``planning`` and ``cpts`` only (the import contract forbids their models).
"""
