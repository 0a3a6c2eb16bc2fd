"""Application errors of `planning` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""
