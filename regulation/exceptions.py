"""Application errors of `regulation` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""
