"""A report's content as a structured document, built once and rendered as .docx, PDF and .xlsx.

A builder (``meili.reports.builders``) reads the platform's data and returns a :class:`Document`; the
renderers never compute a number. Every number is a :class:`Num` carrying its unit and period, and
:meth:`Document.check` refuses a document that would show a figure without them. The document turns into
plain JSON (:meth:`Document.to_dict`) so a stored report keeps exactly what it said.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TypeVar, Union


def format_number(value: float | None, digits: int) -> str:
    """The number as the report prints it, rounded half away from zero to *digits* decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    scaled = abs(value) * 10**digits
    rounded = math.floor(scaled + 0.5 + 1e-9) / 10**digits
    rounded = math.copysign(rounded, value) if rounded else 0.0
    return f"{rounded:,.{digits}f}" if abs(rounded) >= 10000 else f"{rounded:.{digits}f}"


@dataclass(frozen=True)
class Num:
    """A figure: its value, unit ("" for an index without unit) and the period it refers to."""

    value: float | None
    unit: str
    period: str
    digits: int = 1

    @property
    def text(self) -> str:
        return format_number(self.value, self.digits)

    @property
    def rounded(self) -> float | None:
        """The value as printed (what the .xlsx stores)."""
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return None
        return float(self.text.replace(",", ""))

    def with_unit(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.text}{self.unit}"


Run = str | Num
Cell = str | Num | None


@dataclass
class Paragraph:
    """Running text: strings and figures (a figure in text prints with its unit)."""

    runs: list[Run]
    style: str = "body"  # body, note (smaller, no indent), center

    def __post_init__(self) -> None:
        self.runs = [r if isinstance(r, Num) else str(r) for r in self.runs]

    @property
    def text(self) -> str:
        return "".join(r if isinstance(r, str) else r.with_unit() for r in self.runs)


@dataclass
class Column:
    label: str
    unit: str = ""  # shown in the header as 名称（单位）


@dataclass
class Table:
    """A table with a caption and its period; number cells are :class:`Num` in the column's unit."""

    title: str
    period: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""

    def __post_init__(self) -> None:
        self.rows = [[c if c is None or isinstance(c, Num) else str(c) for c in row] for row in self.rows]

    def header(self) -> list[str]:
        return [f"{c.label}（{c.unit}）" if c.unit else c.label for c in self.columns]

    def cell_text(self, cell: Cell) -> str:
        if cell is None:
            return "—"
        return cell if isinstance(cell, str) else cell.text


@dataclass
class Series:
    name: str
    x: list
    y: list[float | None]


@dataclass
class Chart:
    """A chart drawn as a PNG (``kind``: line, bar, hbar, calendar); y values are in ``unit``."""

    title: str
    kind: str
    unit: str
    period: str
    series: list[Series]
    categories: list[str] = field(default_factory=list)
    reference: float | None = None  # a horizontal (or vertical for hbar) target line
    reference_label: str = ""
    note: str = ""


Block = Union[Paragraph, Table, Chart, "Section"]
_B = TypeVar("_B", Paragraph, Table, Chart, "Section")


@dataclass
class Section:
    """A numbered section: level 1 一、 level 2 （一） level 3 1. level 4 （1）."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    numbered: bool = True

    def add(self, block: _B) -> _B:
        self.blocks.append(block)
        return block

    def para(self, *runs: Run, style: str = "body") -> Paragraph:
        return self.add(Paragraph(list(runs), style))

    def section(self, title: str, numbered: bool = True) -> Section:
        return self.add(Section(title, [], numbered))


@dataclass
class Document:
    """A whole report: title block, numbered sections, annexes and where its data came from."""

    kind: str
    title: str
    period: str
    issuer: str
    date: str
    sections: list[Section] = field(default_factory=list)
    annexes: list[Section] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    empty: bool = False
    #: the official form (GB/T 9704): see :class:`meili.reports.letterhead.Letterhead`; empty for none
    letterhead: dict = field(default_factory=dict)

    def section(self, title: str) -> Section:
        s = Section(title)
        self.sections.append(s)
        return s

    def annex(self, title: str) -> Section:
        s = Section(title, numbered=False)
        self.annexes.append(s)
        return s

    # ---------------------------------------------------------------------------------- walking

    def walk(self):
        """Every block with its depth (1 for top-level sections)."""

        def visit(section: Section, depth: int):
            yield section, depth
            for block in section.blocks:
                if isinstance(block, Section):
                    yield from visit(block, depth + 1)
                else:
                    yield block, depth

        for s in self.sections + self.annexes:
            yield from visit(s, 1)

    def tables(self) -> list[Table]:
        return [b for b, _ in self.walk() if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for b, _ in self.walk() if isinstance(b, Chart)]

    def figures(self) -> list[Num]:
        out = []
        for block, _ in self.walk():
            if isinstance(block, Paragraph):
                out += [r for r in block.runs if isinstance(r, Num)]
            elif isinstance(block, Table):
                out += [c for row in block.rows for c in row if isinstance(c, Num)]
        return out

    def check(self) -> None:
        """Refuse figures without a period or a unit column, tables without a period, too deep sections."""
        for block, depth in self.walk():
            if depth > 4:
                raise ValueError(f"section nested deeper than （1）: {getattr(block, 'title', block)!r}")
            if isinstance(block, (Table, Chart)) and not block.period:
                raise ValueError(f"{block.title!r} has no period")
            if isinstance(block, Table):
                for row in block.rows:
                    if len(row) != len(block.columns):
                        raise ValueError(
                            f"table {block.title!r}: row of {len(row)} cells for {len(block.columns)} columns"
                        )
                    for cell in row:
                        if isinstance(cell, Num) and not cell.period:
                            raise ValueError(f"table {block.title!r}: a figure without period")
        for num in self.figures():
            if not num.period or num.unit is None:
                raise ValueError(f"figure {num!r} without unit or period")

    # ---------------------------------------------------------------------------- serialising

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "period": self.period,
            "issuer": self.issuer,
            "date": self.date,
            "empty": self.empty,
            "provenance": self.provenance,
            "letterhead": self.letterhead,
            "sections": [_dump(s) for s in self.sections],
            "annexes": [_dump(s) for s in self.annexes],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        return cls(
            kind=data["kind"],
            title=data["title"],
            period=data["period"],
            issuer=data["issuer"],
            date=data["date"],
            empty=data.get("empty", False),
            provenance=data.get("provenance", {}),
            letterhead=data.get("letterhead", {}),
            sections=[_load(s) for s in data["sections"]],
            annexes=[_load(s) for s in data["annexes"]],
        )


def _dump_cell(cell):
    if isinstance(cell, Num):
        return {"num": cell.value, "unit": cell.unit, "period": cell.period, "digits": cell.digits}
    return cell


def _load_cell(cell):
    if isinstance(cell, dict):
        return Num(cell["num"], cell["unit"], cell["period"], cell["digits"])
    return cell


def _dump(block) -> dict:
    if isinstance(block, Section):
        return {
            "type": "section",
            "title": block.title,
            "numbered": block.numbered,
            "blocks": [_dump(b) for b in block.blocks],
        }
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "style": block.style, "runs": [_dump_cell(r) for r in block.runs]}
    if isinstance(block, Table):
        return {
            "type": "table",
            "title": block.title,
            "period": block.period,
            "note": block.note,
            "columns": [[c.label, c.unit] for c in block.columns],
            "rows": [[_dump_cell(c) for c in row] for row in block.rows],
        }
    if isinstance(block, Chart):
        return {
            "type": "chart",
            "title": block.title,
            "kind": block.kind,
            "unit": block.unit,
            "period": block.period,
            "categories": block.categories,
            "reference": block.reference,
            "reference_label": block.reference_label,
            "note": block.note,
            "series": [[s.name, s.x, s.y] for s in block.series],
        }
    raise TypeError(block)


def _load(data: dict):
    kind = data["type"]
    if kind == "section":
        return Section(data["title"], [_load(b) for b in data["blocks"]], data["numbered"])
    if kind == "paragraph":
        return Paragraph([_load_cell(r) for r in data["runs"]], data["style"])
    if kind == "table":
        return Table(
            data["title"],
            data["period"],
            [Column(label, unit) for label, unit in data["columns"]],
            [[_load_cell(c) for c in row] for row in data["rows"]],
            data["note"],
        )
    if kind == "chart":
        return Chart(
            data["title"],
            data["kind"],
            data["unit"],
            data["period"],
            [Series(n, x, y) for n, x, y in data["series"]],
            data["categories"],
            data["reference"],
            data["reference_label"],
            data["note"],
        )
    raise ValueError(kind)
