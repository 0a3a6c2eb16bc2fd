"""The RPPS import itself: read in a thread one batch ahead of the writes. Part of
:mod:`cpts.imports.rpps`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from queue import Full, Queue

from django.db import connection

from cpts.enums import DataSource
from cpts.exceptions import ImportFileError
from cpts.imports.common import (
    BATCH_SIZE,
    Geography,
    ImportStats,
    ProgressCallback,
    StructureIndex,
)
from cpts.imports.rpps.lines import (
    ANALYZE_AFTER,
    FORMAT_PSC,
    PERSON_WIDTH,
    Header,
    LineRejected,
    header_parse,
    person_values,
    place_values,
)
from cpts.imports.rpps.writes import Batch, SeenPlaces, batch_write, is_postgresql


def uncertain_key(fields: list[str], header: Header) -> tuple[str, str] | None:
    """The person of a rejected line, when it can still be read (``--full`` keeps their places)."""
    position_type, position_id = header.index.get("id_type"), header.index.get("id_pp")
    if position_type is None or position_id is None or max(position_type, position_id) >= len(fields):
        return None
    identifier = fields[position_id].strip().upper()
    return (fields[position_type].strip(), identifier) if identifier else None


def rpps_import(
    *, path: Path | str, progress: ProgressCallback | None = None, full: bool = False
) -> ImportStats:
    """Import an RPPS or Pro Santé Connect extract (format read from the header).

    ``full``: the file is a complete extract; active RPPS places it does not list are marked
    inactive (``stats.deactivated``), except those of a professional with a rejected line.
    Raises :class:`~cpts.exceptions.ImportFileError` when the file cannot be read at all
    (empty, header not recognised); then nothing is written.

    The file is parsed in a second thread, one batch ahead of the writes (which wait on
    PostgreSQL, the GIL released): parsing and writing overlap; at most 2 batches wait.
    """
    path = Path(path)
    total = path.stat().st_size
    stats = ImportStats()
    with path.open("rb") as handle:
        raw_header = handle.readline()
        if not raw_header.strip():
            raise ImportFileError("Le fichier est vide.", code="import_file_empty")
        try:
            header = header_parse(raw_header.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                "En-tête illisible : le fichier doit être encodé en UTF-8.", code="import_encoding"
            ) from exc
        stats.file_format = header.file_format
        source = DataSource.PSC if header.file_format == FORMAT_PSC else DataSource.RPPS
        geography, structures = Geography(), StructureIndex()
        seen = SeenPlaces() if full else None
        # Each thread counts in its own report: rejections while parsing, outcomes while writing.
        parsed, written = ImportStats(), ImportStats()
        try:
            batches = batches_read(
                handle,
                header,
                geography,
                structures,
                parsed,
                seen.uncertain if seen else None,
                len(raw_header),
            )
            for batch, done in read_ahead(batches):
                batch_write(batch, written, source, seen)
                if progress:
                    progress(done, total)
            if seen is not None:
                stats.deactivated = seen.deactivate_missing()
            if written.created >= ANALYZE_AFTER and is_postgresql():
                # Fresh statistics for the directory's searches (autovacuum would take a while).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE cpts_professional, cpts_practiceplace")
        finally:
            if seen is not None:
                seen.close()
    stats.read = parsed.read + written.read
    stats.created, stats.updated, stats.unchanged = written.created, written.updated, written.unchanged
    stats.rejected, stats.rejections = parsed.rejected, parsed.rejections
    if progress:
        progress(total, total)
    return stats


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def read_ahead(items: Iterator, depth: int = 2) -> Iterator:
    """Iterate ``items`` in a thread, up to ``depth`` items ahead of the consumer (bounded memory).
    An error in the thread is raised here; if the consumer stops, the thread stops too."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        """Queue ``item`` unless the consumer has stopped (then ``False``)."""
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(None)
        except BaseException as error:  # handed over to the consumer, raised there
            put(_Failed(error))

    thread = threading.Thread(target=produce, name="rpps-parse", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def batches_read(
    handle, header, geography, structures, stats, uncertain, done
) -> Iterator[tuple[Batch, int]]:
    """Batches of valid lines (ending at a person boundary) and the bytes read so far; rejected
    lines go to ``stats``, and with ``--full`` their person (when readable) to ``uncertain``.
    Touches no database (it runs in a thread)."""
    batch = Batch()
    duplicates: dict[tuple, int] = {}
    width = header.width
    read_values = header.values
    last_person_raw: tuple | None = None
    person_key: tuple[str, str] = ("", "")
    person: tuple = ()
    for line_no, raw in enumerate(handle, start=2):
        done += len(raw)
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            stats.reject(line_no, "caractères illisibles : le fichier doit être encodé en UTF-8")
            if uncertain is not None and (key := uncertain_key(raw.decode("latin-1").split("|"), header)):
                uncertain.add(key)
            continue
        fields = text.rstrip("\r\n").split("|")
        count = len(fields) - 1 if len(fields) > width and fields[-1].strip() == "" else len(fields)
        if count != width:
            if count < width:
                stats.reject(line_no, f"ligne incomplète : {count} colonnes au lieu de {width}")
            else:
                stats.reject(line_no, f"ligne mal formée : {count} colonnes au lieu de {width}")
            if uncertain is not None and (key := uncertain_key(fields, header)):
                uncertain.add(key)
            continue
        values = read_values(fields)
        try:
            person_raw = values[:PERSON_WIDTH]
            if person_raw != last_person_raw:  # a person's lines follow each other: parse once
                last_person_raw = None
                person_key, person = person_values(values)
                last_person_raw = person_raw
            place_key, place = place_values(values, geography, structures)
        except LineRejected as exc:
            stats.reject(line_no, str(exc))
            if uncertain is not None and (key := uncertain_key(fields, header)):
                uncertain.add(key)
            continue
        duplicate_key = (person_key, place_key or line_no)
        if duplicate_key in duplicates:
            stats.reject(
                line_no,
                f"activité en double : même professionnel et même lieu qu'à la ligne {duplicates[duplicate_key]}",
            )
            continue
        if len(batch.lines) >= BATCH_SIZE and batch.lines[-1][0] != person_key:
            yield batch, done
            batch, duplicates = Batch(), {}
        duplicates[duplicate_key] = line_no
        batch.people.setdefault(person_key, person)
        batch.lines.append((person_key, place_key, place))
    if batch.lines:
        yield batch, done
