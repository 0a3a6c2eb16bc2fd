"""A demo agenda editor speaking the ANS SAS IG (slot search INT_R01, booking page, INT_R03 feedback).

Standalone: standard library only, no Django. ``python -m demo_editor`` (port ``DEMO_EDITOR_PORT``, 8100).
"""
