"""Opening an uploaded XLSX without letting it hurt the server: the one bounded, streamed reader
that every import shares (readings in `imports`, whole plans in `ilo_plan.plan_file`).

A zip bomb is refused from the sizes the archive declares, before anything is unpacked (Python's
zipfile never unpacks a member past its declared size: it fails the CRC instead); the workbook is
then opened read-only, so its sheets stream row by row, and each row is cut at MAX_COLUMNS
whatever the sheet declares."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext

from .validation import shortened

MB = 1_000_000
MAX_COLUMNS = 50
XLSX_MAX_OTHER_PART_BYTES = 2 * MB


class FileRefused(Exception):
    """The file is beyond a limit or unreadable as a table: one sentence for the user."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@contextmanager
def bounded_workbook(stream, max_unpacked_bytes: int, limit_label: str, advice: str):
    """The openpyxl workbook of `stream`, opened read-only, once the archive has been checked:
    FileRefused when it is not an XLSX, would unpack past `max_unpacked_bytes` (the message names
    the limit as `limit_label`, "para 20,000 filas", and ends with `advice`), or holds an oversized
    part besides sheets and strings."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise FileRefused(
            gettext("El archivo no es un XLSX válido (no se puede abrir como libro de Excel).")
        ) from error
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked_bytes:
        raise FileRefused(
            gettext("El XLSX se descomprime en %(size)s MB y el máximo %(limit)s es %(most)s MB: %(advice)s")
            % {
                "size": f"{unpacked / MB:,.0f}",
                "limit": limit_label,
                "most": f"{max_unpacked_bytes / MB:,.0f}",
                "advice": advice,
            }
        )
    for member in members:
        bulky = member.filename.startswith("xl/worksheets/") or member.filename == "xl/sharedStrings.xml"
        if not bulky and member.file_size > XLSX_MAX_OTHER_PART_BYTES:
            raise FileRefused(
                gettext("La parte %(part)s del XLSX pesa %(size)s MB: guarde el archivo como CSV.")
                % {"part": shortened(member.filename), "size": f"{member.file_size / MB:,.0f}"}
            )
    stream.seek(0)
    from openpyxl import load_workbook

    workbook = load_workbook(stream, read_only=True, data_only=True)
    try:
        yield workbook
    finally:
        workbook.close()


def sheet_rows(sheet) -> Iterator[tuple]:
    """A sheet's rows as value tuples, each cut at MAX_COLUMNS."""
    return sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
