"""A reader's check of a generated .docx: what a careful reader at the bureau would check before sending it.

:func:`check` reads the Word file back (not the document model) and returns the problems it finds, each a
sentence naming the table or paragraph:

- no identifier, ISO date or English word reaches the reader (``snake_case``, ``dotted.codes``, ``None``, ``nan``, English
  words outside the symbols of standards and units, the notation keys of an inventory, a standard's number, a
  grade's letter (B级) and upper-case codes of letters and digits such as a 统一社会信用代码);
- tables and figures are numbered once (the renderer numbers them; a title never repeats 表1);
- shares of a whole add up to 100 % (within the rounding of the printed figures);
- ranks respect ties: equal composite indexes share a place, a better index never has a worse place, and the
  places are the standard competition ranks (1, 1, 3, …);
- for the monthly air bulletin, every figure of the text equals its table: valid days, good days and their
  ratio, PM2.5 and the composite index against 表1, the provincial places against its 全省排名 row, and the
  valid days against the days per category;
  and a month with fewer valid days than GB 3095-2012 表4 requires says that its statistics are invalid.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

#: symbols and abbreviations a Chinese environmental document writes in Latin letters
ALLOWED_WORDS = frozenset(
    {
        "AQI", "PM", "SO", "NO", "CO", "HJ", "GB", "T", "DB", "COD", "CODMn", "BOD", "NH", "N", "TP", "TN",
        "pH", "mg", "μg", "L", "m", "km", "kg", "t", "h", "d", "GDP", "IAQI", "DO", "P", "Pb", "Cd", "Hg", "As",
        "Cr", "Cu", "Zn", "Ni", "dB", "A", "Leq", "Ld", "Ln", "Mn", "Fe", "F", "S", "Se", "Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ",
        "O", "CH", "UN", "ESCAP", "SDG", "VOCs", "VOC", "NOx", "SO2", "NO2", "CO2", "O3", "PM10", "PM2", "CH4", "GJ", "TJ", "MWh", "kWh",
        "IPCC",
        "AR", "SAR",  # the IPCC assessment reports (AR5, AR6, SAR) whose GWP values an inventory uses
        "R",  # 比值R: the growth-ratio method's symbol, defined where the report uses it
        "HY",  # HY/T: the marine industry standards
        "NE", "IE", "C",  # the IPCC notation keys an inventory report explains (未估算, 已计入其他, 保密)
    }
)  # fmt: skip
_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+\.[a-z_.]+\b|\bNone\b|\bnan\b|\bNaN\b")
_WORD = re.compile(r"[A-Za-zμ]+")
#: codes a document quotes as they are: a standard's number (HY/T 0305-2021, GB 3095-2012) and upper-case codes
#: of letters and digits (a 统一社会信用代码 91371000MA3C00001X, an alert number YJ20250109-01)
_STANDARD_NO = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,4}(?:/[A-Z]\s?\d+|\s?\d+(?=-\d{4}))(?:\.\d+)*(?:-\d{4})?")
_CODE = re.compile(r"(?<![A-Za-z0-9])(?=[0-9A-Z-]*\d)(?=[0-9A-Z-]*[A-Z])[0-9A-Z]{6,}(?:-[0-9A-Z]+)*(?![A-Za-z0-9])")
#: a grade written with its letter (绩效等级 B级, A类)
_GRADE = re.compile(r"(?<![A-Za-z])[A-E](?=[级类])")
#: dates a Chinese document writes as 2019年9月4日, never in ISO form
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


#: a caption numbered twice (表1　表1 …), when a builder writes the number the renderer adds
_NUMBERED_TWICE = re.compile(r"^[表图]\d+　\s*[表图]\d+")


@dataclass
class Table:
    caption: str
    rows: list[list[str]]

    @property
    def header(self) -> list[str]:
        return [h.replace("\n", "") for h in self.rows[0]] if self.rows else []

    def column(self, name: str) -> int | None:
        for j, h in enumerate(self.header):
            if h.startswith(name):
                return j
        return None

    def body(self) -> list[list[str]]:
        return self.rows[1:]


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def read(data: bytes) -> tuple[list[str], list[Table]]:
    """The paragraphs' text and the tables (with their 表N captions) of a .docx."""
    from docx import Document

    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    captions = [t for t in paragraphs if re.match(r"^表\d+　", t)]
    tables = [
        Table(captions[k] if k < len(captions) else f"表{k + 1}", [[c.text for c in row.cells] for row in t.rows])
        for k, t in enumerate(doc.tables)
    ]
    return paragraphs, tables


def leaks(text: str) -> list[str]:
    """Identifiers and English words in *text* that a Chinese reader should not see."""
    found = [m.group(0) for m in _IDENTIFIER.finditer(text)]
    found += _ISO_DATE.findall(text)
    words = _GRADE.sub(" ", _CODE.sub(" ", _STANDARD_NO.sub(" ", text)))
    found += [w for w in _WORD.findall(words) if w not in ALLOWED_WORDS]
    return found


def _shares(table: Table) -> list[str]:
    problems = []
    for j, head in enumerate(table.header):
        if not (head.startswith("占") and "比例" in head):
            continue
        values = [_number(r[j]) for r in table.body()]
        numbers = [v for v in values if v is not None]
        if not numbers or not any(numbers):
            continue
        total = sum(numbers)
        tolerance = 0.05 * len(numbers) + 1e-9
        if abs(total - 100) > tolerance:
            problems.append(f"{table.caption}：“{head}”合计{total:.1f}%，不等于100%")
    return problems


def _ranks(table: Table) -> list[str]:
    at, index_at = table.column("排名"), table.column("综合指数")
    if at is None or index_at is None:
        return []
    ranked = [
        (_number(r[index_at]), int(r[at]), r[0]) for r in table.body() if r[at].isdigit() and _number(r[index_at])
    ]
    problems = []
    for value, place, name in ranked:
        expected = 1 + sum(1 for v, _, _ in ranked if v is not None and value is not None and v < value)
        if place != expected:
            problems.append(f"{table.caption}：{name}综合指数{value}，名次{place}，按并列规则应为{expected}")
    return problems


def _find(tables: list[Table], title: str) -> Table | None:
    return next((t for t in tables if title in t.caption), None)


def _air_bulletin(paragraphs: list[str], tables: list[Table]) -> list[str]:
    text = "\n".join(paragraphs)
    m = re.search(r"有效监测(\d+)天，优良天数(\d+)天，优良天数比例为([\d.]+)%", text)
    if m is None:
        return []
    valid, good, ratio = int(m.group(1)), int(m.group(2)), m.group(3)
    problems = []
    main = _find(tables, "全市环境空气质量主要指标")
    if main is not None:
        now = main.column("本月") or 2
        cells = {r[0]: r[now] for r in main.body()}
        for name, printed in (("优良天数比例", ratio), ("优良天数", str(good))):
            if cells.get(name) != printed:
                problems.append(f"正文{name}为{printed}，表“全市环境空气质量主要指标”为{cells.get(name)}")
        for label, name in (("PM2.5）平均浓度", "细颗粒物（PM2.5）平均浓度"), ("综合指数为", "环境空气质量综合指数")):
            found = re.search(re.escape(label) + r"(?:为)?([\d.]+)", text)
            if found and cells.get(name) != found.group(1):
                problems.append(f"正文{name}为{found.group(1)}，表“全市环境空气质量主要指标”为{cells.get(name)}")
    levels = _find(tables, "空气质量级别天数")
    if levels is not None:
        counts = {r[0]: int(r[1]) for r in levels.body() if r[1].isdigit()}
        if sum(counts.values()) != valid:
            problems.append(f"正文有效监测{valid}天，表“空气质量级别天数”合计{sum(counts.values())}天")
        if counts.get("优", 0) + counts.get("良", 0) != good:
            problems.append(
                f"正文优良天数{good}天，表“空气质量级别天数”优、良合计{counts.get('优', 0) + counts.get('良', 0)}天"
            )
    problems += _provincial_rank(text, main)
    month = re.search(r"（\d{4}年(\d+)月）", text)
    need = 25 if month and month.group(1) == "2" else 27
    if valid < need and "数据有效性" not in text:
        problems.append(f"有效监测{valid}天，少于GB 3095-2012表4规定的{need}天，正文未说明统计值无效")
    return problems


def _provincial_rank(text: str, main: Table | None) -> list[str]:
    """The provincial places the text cites (``…个设区市中，2019年8月排名第1位；2019年1—8月排名第2位``) equal
    the 全省排名 row of the main table: the month's in 本月, the year-to-date's in 本年累计."""
    sentence = re.search(r"全省排名：[^\n]*?个设区市中，([^\n]*)", text)
    if sentence is None:
        return []
    row = None
    if main is not None:
        row = next((r for r in main.body() if r[0] == "全省排名"), None)
    if row is None:
        return ["正文列出全省排名，表“全市环境空气质量主要指标”无“全省排名”行"]
    problems = []
    for label, place in re.findall(r"(\d{4}年(?:1—)?\d+月)排名第(\d+)位", sentence.group(1)):
        column = main.column("本年累计" if "—" in label else "本月") if main is not None else None
        cell = row[column] if column is not None else ""
        lead = re.match(r"\d+", cell)
        if lead is None or lead.group(0) != place:
            problems.append(f"正文{label}全省排名第{place}位，表“全市环境空气质量主要指标”为{cell or '空'}")
    return problems


def check(data: bytes) -> list[str]:
    """The problems a reader would find in the .docx *data* (empty when none)."""
    paragraphs, tables = read(data)
    problems = []
    for text in paragraphs:
        if _NUMBERED_TWICE.match(text):
            problems.append(f"标题编号重复：{text[:40]}")
        for word in leaks(text):
            problems.append(f"正文出现“{word}”：{text[:40]}")
    for table in tables:
        for row in table.rows:
            for cell in row:
                for word in leaks(cell):
                    problems.append(f"{table.caption}：单元格出现“{word}”（{cell[:30]}）")
        problems += _shares(table)
        problems += _ranks(table)
    if any("环境空气质量月报" in p for p in paragraphs[:3]):
        problems += _air_bulletin(paragraphs, tables)
    return problems
