"""A :class:`~meili.reports.document.Document` as a Word file in the 公文 look of GB/T 9704-2012.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 mm × 225 mm); title in the 小标宋
face at 22 pt (二号); body in the 仿宋 face at 16 pt (三号) with a fixed line pitch of 28.95 pt (22 lines a
page); headings 一、 (黑体), （一） (楷体), 1. (仿宋, bold), （1） (仿宋); page numbers “— 1 —” in 14 pt (四号),
right on odd pages and left on even pages, one character in from the edge (GB/T 9704 §7.5). Faces come from
:mod:`meili.reports.fonts`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor

from meili.cells import clean_text
from meili.reports import charts
from meili.reports.document import Chart, Document, Paragraph, Section, Table
from meili.reports.fonts import FontSet, fontset

BODY_PT = 16
TITLE_PT = 22
TABLE_PT = 10.5
LINE_PITCH_PT = 28.95
PAGE_NUMBER_PT = 14
TEXT_WIDTH_MM = 210 - 28 - 26

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings of level 一、)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    return {1: f"{chinese_number(n)}、", 2: f"（{chinese_number(n)}）", 3: f"{n}.", 4: f"（{n}）"}[level]


def _fonts(element, east_asia: str, latin: str) -> None:
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _style(
    doc,
    name: str,
    east_asia: str,
    latin: str,
    size: float,
    bold: bool = False,
    base: str | None = None,
    align=None,
    indent: bool = True,
    exact: bool = True,
):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base or "Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element, east_asia, latin)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.first_line_indent = Pt(2 * size) if indent else Pt(0)
    pf.left_indent = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(LINE_PITCH_PT)
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if align is not None:
        pf.alignment = align
    pf.keep_with_next = name.startswith("Heading")
    return style


def _setup(doc, f: FontSet) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(20)
    just = WD_ALIGN_PARAGRAPH.JUSTIFY
    _style(doc, "Normal", f.body, f.latin, BODY_PT, align=just)
    _style(
        doc,
        "Title",
        f.title,
        f.latin,
        TITLE_PT,
        bold=f.title_bold,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        exact=False,
    )
    title = doc.styles["Title"]
    title.paragraph_format.space_after = Pt(LINE_PITCH_PT)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(TITLE_PT * 1.6)
    for tag in ("w:pBdr",):
        for el in title.element.pPr.findall(qn(tag)):
            title.element.pPr.remove(el)
    _style(doc, "Subtitle", f.heading2, f.latin, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _style(doc, "Heading 1", f.heading1, f.latin, BODY_PT, align=just)
    _style(doc, "Heading 2", f.heading2, f.latin, BODY_PT, align=just)
    _style(doc, "Heading 3", f.body, f.latin, BODY_PT, bold=True, align=just)
    _style(doc, "Heading 4", f.body, f.latin, BODY_PT, align=just)
    _style(doc, "Caption", f.heading1, f.latin, 12, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, exact=False)
    doc.styles["Caption"].paragraph_format.space_before = Pt(6)
    doc.styles["Caption"].paragraph_format.space_after = Pt(3)
    _style(doc, "Table Text", f.body, f.latin, TABLE_PT, indent=False, exact=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Figure Note", f.body, f.latin, TABLE_PT, indent=False, exact=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Note", f.body, f.latin, 14, exact=False, align=just)
    _style(doc, "Annex Label", f.heading1, f.latin, BODY_PT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _page_numbers(doc, f)


def _field(paragraph, instruction: str, size: float, f: FontSet) -> None:
    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size = Pt(size)
        _fonts(r._element, f.body, f.latin)
        return r

    run("— ")
    begin = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._element.append(fld)
    instr = run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr._element.append(text)
    sep = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "separate")
    sep._element.append(fld)
    run("1")
    end = run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "end")
    end._element.append(fld)
    run(" —")


def _page_numbers(doc, f: FontSet) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = align
        pf = p.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            pf.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            pf.left_indent = Pt(PAGE_NUMBER_PT)
        _field(p, "PAGE", PAGE_NUMBER_PT, f)


class _Doc:
    """The python-docx document, its paragraphs' styles looked up once per name.

    python-docx resolves a style name on every ``add_paragraph(…, style=…)`` by searching the styles part twice
    (the name, then whether it is the default style): a quarter of a report's Word time. The id each name
    resolves to is kept; a paragraph gets it exactly as ``paragraph.style = name`` sets it.
    """

    def __init__(self, doc) -> None:
        self._doc = doc
        self._ids: dict[str, str | None] = {}

    def __getattr__(self, name: str):
        return getattr(self._doc, name)

    def add_paragraph(self, text: str = "", style: str | None = None):
        paragraph = self._doc.add_paragraph(text)
        if style is not None:
            if style not in self._ids:
                self._ids[style] = self._doc.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            paragraph._p.style = self._ids[style]
        return paragraph


class _Writer:
    def __init__(self, doc, fonts: FontSet):
        self.doc = doc
        self.fonts = fonts
        self.n_tables = 0
        self.n_figures = 0
        self.table_style = doc.styles["Table Text"]

    def paragraph(self, block: Paragraph) -> None:
        style = {"body": "Normal", "note": "Note", "center": "Subtitle"}.get(block.style, "Normal")
        self.doc.add_paragraph(clean_text(block.text), style=style)

    def section(self, section: Section, level: int, number: int | None) -> None:
        if section.title:
            label = heading_number(level, number) if number is not None else ""
            self.doc.add_paragraph(clean_text(f"{label}{section.title}"), style=f"Heading {level}")
        self.blocks(section.blocks, level + 1)

    def blocks(self, blocks, level: int) -> None:
        """*blocks* in order; their sections at heading *level*, numbered among themselves."""
        n = 0
        for block in blocks:
            if isinstance(block, Section):
                if block.numbered:
                    n += 1
                self.section(block, level, n if block.numbered else None)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)

    def table(self, block: Table) -> None:
        self.n_tables += 1
        caption = self.doc.add_paragraph(clean_text(f"表{self.n_tables}　{block.title}"), style="Caption")
        caption.paragraph_format.keep_with_next = True
        when = self.doc.add_paragraph(clean_text(f"时段：{block.period}"), style="Figure Note")
        when.paragraph_format.keep_with_next = True
        header = [f"{c.label}\n（{c.unit}）" if c.unit else c.label for c in block.columns]
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = _widths(header, [[block.cell_text(c) for c in row] for row in block.rows])
        table.autofit = False
        for j, width in enumerate(widths):
            table.columns[j].width = Mm(width)
        # the rows are written as WordprocessingML text and parsed once per table: python-docx's per-cell calls
        # (width, style, run, bold) took most of a report's table time; the XML is the one they wrote
        twips = [Mm(width).twips for width in widths]
        style = self.table_style.style_id
        lines = ['<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>']
        lines += [_cell_xml(text, twips[j], style, bold=True) for j, text in enumerate(header)]
        lines.append("</w:tr>")
        for row in block.rows:
            lines.append("<w:tr>")
            for j, cell in enumerate(row):
                left = j == 0 and isinstance(cell, str) and len(cell) > 8
                lines.append(_cell_xml(block.cell_text(cell), twips[j], style, left=left))
            lines.append("</w:tr>")
        tbl = table._tbl
        for tr in tbl.tr_lst:
            tbl.remove(tr)
        body = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(lines)}</w:tbl>")
        for tr in list(body):
            tbl.append(tr)
        if block.note:
            self.doc.add_paragraph(clean_text(block.note), style="Figure Note")

    def chart(self, block: Chart) -> None:
        self.n_figures += 1
        png = charts.render(block)
        p = self.doc.add_paragraph(style="Figure Note")
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Cm(charts.WIDTH_CM))
        self.doc.add_paragraph(clean_text(f"图{self.n_figures}　{block.title}"), style="Caption")
        unit = f"单位：{block.unit}；" if block.unit else ""
        note = f"{unit}时段：{block.period}" + (f"。{block.note}" if block.note else "")
        self.doc.add_paragraph(clean_text(note), style="Figure Note")


def _cell_xml(text: str, twips: int, style: str, bold: bool = False, left: bool = False) -> str:
    """One table cell as python-docx writes it for ``cell.width = …``, a paragraph of *style* (left-aligned if
    *left*) and one run of *text* with ``bold`` set: tabs become ``w:tab``, line breaks ``w:br``, and a text
    piece with surrounding spaces keeps them (``xml:space``)."""
    jc = '<w:jc w:val="left"/>' if left else ""
    pieces = []
    piece = ""
    for char in clean_text(text):
        if char in "\t\n\r":
            if piece:
                pieces.append(_text_xml(piece))
                piece = ""
            pieces.append("<w:tab/>" if char == "\t" else "<w:br/>")
        else:
            piece += char
    if piece:
        pieces.append(_text_xml(piece))
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{escape(style)}"/>'
        f"{jc}</w:pPr><w:r><w:rPr>{weight}</w:rPr>{''.join(pieces)}</w:r></w:p></w:tc>"
    )


def _text_xml(text: str) -> str:
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


RED = RGBColor(0xE6, 0x00, 0x12)
MASTHEAD_PT = 36


def _rule(paragraph, colour: str, size_eighths: int, where: str = "bottom") -> None:
    """A line under (or over) *paragraph*: the red 分隔线 of the 版头 and the lines of the 版记 (GB/T 9704 §7.2.5)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # schema order of w:pPr (ECMA-376 §17.3.1.26): pBdr comes before shd, tabs, …, spacing, ind, jc
        ppr.insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
        )
    line = OxmlElement(f"w:{where}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), colour)
    if where == "top":
        borders.insert(0, line)
    else:
        borders.append(line)


def _masthead(doc, head: dict, f: FontSet) -> None:
    """版头 (GB/T 9704 §7.2): the masthead in red, the 期号 (and 签发人), the issuing body and date over a red line."""
    p = doc.add_paragraph(style="Title")
    run = p.add_run(head["masthead"])
    run.font.color.rgb = RED
    run.font.size = Pt(MASTHEAD_PT if len(head["masthead"]) <= 12 else TITLE_PT + 4)
    p.paragraph_format.space_after = Pt(6)
    issue = doc.add_paragraph(head["issue"], style="Subtitle")
    if head.get("signer"):
        issue.add_run(f"　　签发人：{head['signer']}")
    line = doc.add_paragraph(style="Subtitle")
    line.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    line.add_run(f"{head['issuer']}\t{head['date']}")
    _rule(line, "E60012", 18)


def _signature(doc, head: dict) -> None:
    """署名 and 成文日期, right-aligned under the text (GB/T 9704 §7.3.5)."""
    doc.add_paragraph("", style="Normal")
    for text in (head["issuer"], head["date"]):
        p = doc.add_paragraph(text, style="Normal")
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.right_indent = Pt(4 * BODY_PT)


def _record(doc, head: dict) -> None:
    """版记 (GB/T 9704 §7.4): 抄送 and 印发机关 with the printing date, between full-width lines."""
    doc.add_paragraph("", style="Normal")
    lines = []
    if head.get("copy_to"):
        lines.append(f"抄送：{head['copy_to']}。")
    lines.append(f"{head.get('printer', '')}\t{head['date']}印发")
    for k, text in enumerate(lines):
        p = doc.add_paragraph(style="Note")
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.left_indent = Pt(14)
        p.paragraph_format.keep_with_next = k < len(lines) - 1
        p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
        p.add_run(text)
        if k == 0:
            _rule(p, "000000", 8, "top")
        _rule(p, "000000", 8 if k < len(lines) - 1 else 12, "bottom")


#: width of one CJK character of table text (10.5 pt) and the cell's left and right padding, in mm
CHAR_MM = 3.75
PADDING_MM = 4.2
#: a column whose longest text is at most this many characters keeps its natural width
SHORT_CHARS = 7.5
#: runs of Latin letters, digits and unit signs that a line break must not split
_TOKENS = re.compile(r"[A-Za-z0-9.+\-/μ³²_%≤≥<>]+")


def _widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Column widths (mm) filling the 版心 width: short columns at their natural width, long ones share the rest
    in proportion to their text (a header may wrap onto two lines)."""

    def length(text: str) -> float:
        return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)

    def unbreakable(text: str) -> float:
        """The longest run a line must not break: a Latin token (PM2.5, μg/m³) or a header's unit line."""
        return max([0.0] + [length(t) for t in _TOKENS.findall(text)])

    natural = []
    for j, head in enumerate(header):
        longest = max([0.0] + [length(r[j]) for r in rows if j < len(r)])
        label, _, unit = head.partition("\n")
        natural.append(max(longest, length(label) / 2, unbreakable(label), length(unit), 2.0))
    short = [n <= SHORT_CHARS for n in natural]
    fixed = sum(n * CHAR_MM + PADDING_MM for n, s in zip(natural, short) if s)
    flexible = [min(n, 18.0) for n, s in zip(natural, short) if not s]
    room = TEXT_WIDTH_MM - fixed
    if not flexible or room < 20 * len(flexible):
        total = sum(natural)
        return [TEXT_WIDTH_MM * n / total for n in natural]
    total = sum(flexible)
    out, k = [], 0
    for n, s in zip(natural, short):
        if s:
            out.append(n * CHAR_MM + PADDING_MM)
        else:
            out.append(room * flexible[k] / total)
            k += 1
    return out


def render(document: Document, fonts: FontSet | None = None) -> bytes:
    """The .docx bytes of *document*."""
    document.check()
    fonts = fonts or fontset()
    doc = _Doc(new_docx())
    _setup(doc, fonts)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    head = document.letterhead
    if head:
        _masthead(doc, head, fonts)
        if head["masthead"] != document.title:  # a 发文机关标志 above the document's own title (a notice)
            doc.add_paragraph(clean_text(document.title), style="Title")
        if document.period not in head["issue"]:
            doc.add_paragraph(clean_text(f"（{document.period}）"), style="Subtitle")
    else:
        doc.add_paragraph(clean_text(document.title), style="Title")
        doc.add_paragraph(clean_text(f"（{document.period}）"), style="Subtitle")
        doc.add_paragraph(clean_text(f"{document.issuer}　{document.date}"), style="Subtitle")
    doc.add_paragraph("", style="Normal")
    writer = _Writer(doc, fonts)
    writer.blocks(document.sections, 1)
    if head:
        _signature(doc, head)
    for k, annex in enumerate(document.annexes, start=1):
        br = doc.add_paragraph("", style="Normal")
        br.add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph(clean_text(f"附件{k}"), style="Annex Label")
        doc.add_paragraph(clean_text(annex.title), style="Title")
        writer.blocks(annex.blocks, 1)
    if head and (head.get("copy_to") or head.get("printer")):
        _record(doc, head)
    props = doc.core_properties
    props.title = document.title
    props.author = document.issuer
    props.last_modified_by = document.issuer
    props.subject = document.period
    props.comments = f"Meili {document.kind} · data {document.provenance.get('data_version', '')}"
    stamp = dt.datetime.fromisoformat(document.provenance.get("generated_at", "2000-01-01T00:00:00"))
    props.created = props.modified = stamp.replace(tzinfo=None)
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
