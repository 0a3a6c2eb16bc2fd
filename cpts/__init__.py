"""WHO: the territorial offer of care (professionals, places of practice, structures, CPTS territories,
SAS participation), its importers (RPPS extracts, Annuaire Santé FHIR) and the "je participe au SAS"
flow.

Other apps read it only through :mod:`cpts.selectors` (and write through :mod:`cpts.services`),
never its models: the import contract (``.importlinter``) keeps it so.
"""
