"""Import of the RPPS / Annuaire Santé extracts (``|``-separated, one line per activity).

Two variants, told apart by their header (``../shared/data/rpps/README.md``): the public
*libre accès* extract ``PS_LibreAcces_Personne_activite`` and the *Pro Santé Connect* extract
(birth data, correspondence contact, ``Code rôle``; codes without labels).

Streaming and batched: the file is read line by line; every ~2,000 lines (ending at a person
boundary) the batch is written in one transaction. Idempotent: a second run with the same file
counts every line *unchanged* and writes nothing. A bad line is rejected with its number and a
French reason; the rest of the file is imported.

Throughput (``bench/results/cpts_import.md``): the header is compiled once into one
``itemgetter`` giving the known columns in a fixed order; a person's fields are parsed once
for their consecutive lines; rows are plain tuples compared with what the database holds
(no model instances). On PostgreSQL, a batch costs at most: one look-up of its people
(``= ANY(array)``), one of their places, COPY of new rows (ids drawn from the sequence
beforehand) and, for changed rows, COPY into a temporary table + one ``UPDATE ... FROM``.
Other databases (the SQLite demo) go through the ORM's bulk operations.

``full=True`` (``import_rpps --full``): the file is a *complete* extract; the RPPS places
it no longer lists (a professional who left, or one of their activities that ended) are marked
inactive, never deleted. A professional with a rejected line keeps their places as they are.

A package: ``lines`` (the header and each line, no database), ``writes`` (a batch compared and
written; the COPY and staging-table helpers are ``sas_platform.sql``'s, shared with the slot
upsert), ``run`` (the import, reading one batch ahead in a thread).
"""

from cpts.imports.rpps.lines import (
    ANALYZE_AFTER,
    FORMAT_PSC,
    FORMAT_RPPS,
    PERSON_FIELDS,
    PLACE_FIELDS,
    PLACE_KEY_PREFIX,
    Header,
    LineRejected,
    header_parse,
    luhn_ok,
)
from cpts.imports.rpps.run import read_ahead, rpps_import

__all__ = [
    "ANALYZE_AFTER",
    "FORMAT_PSC",
    "FORMAT_RPPS",
    "PERSON_FIELDS",
    "PLACE_FIELDS",
    "PLACE_KEY_PREFIX",
    "Header",
    "LineRejected",
    "header_parse",
    "luhn_ok",
    "read_ahead",
    "rpps_import",
]
