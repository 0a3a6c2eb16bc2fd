"""Application errors of `cpts` (subclasses of ``sas_platform.exceptions.ApplicationError``)."""
