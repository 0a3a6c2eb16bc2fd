"""Application errors of `remuneration` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""
