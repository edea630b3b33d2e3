"""Fuzzing every importer with generated files — encodings, bad numbers and times, truncation, compression bombs,
random bytes: each either imports or stops with one located error, never a traceback, never a partial write
(issue #13, "done when")."""

from __future__ import annotations

import datetime as dt
import gzip
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meili.cells import append_row, clean_text
from meili.monitoring.importing import ImportFailed, run_import
from meili.monitoring.models import ImportJob, Observation, Site
from meili.tabular import InputError

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)

cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e308", "-1e308", "1e400", "sNaN", "NaN", "inf", "<0.01", "0.01L", "ND", "", "—", "1,5", "0x10"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=8),
)
times = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda t: t.strftime("%Y-%m-%d %H:%M")
    ),
    st.sampled_from(["0001-01-01 00:00", "9999-12-31 23:00", "2025-02-30 10:00", "2025-01-01 24:00", ""]),
    st.text(max_size=12),
)
parameters = st.sampled_from(["PM2.5", "细颗粒物", "NO2", "CO", "pH", "benzene", "", "\x00", "=HYPERLINK(1)"])


@st.composite
def import_files(draw):
    rows = draw(
        st.lists(st.tuples(st.sampled_from(["1664A", "1662A", "9999A", ""]), times, parameters, cells), max_size=6)
    )
    text = "site,time,parameter,value\n" + "".join(f"{s},{t},{p},{v}\n" for s, t, p, v in rows)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"])), errors="ignore")
    cut = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=max(len(data) - 1, 0))))
    if cut is not None:
        data = data[:cut]
    if draw(st.booleans()):
        data += draw(st.binary(max_size=16))
    suffix = draw(st.sampled_from([".csv", ".csv.gz", ".xlsx"]))
    if suffix == ".csv.gz":
        data = gzip.compress(data)
        if draw(st.booleans()):
            data = data[: len(data) // 2]
    return suffix, data


@given(file=import_files())
@FUZZ
def test_air_import_of_any_file_is_all_or_nothing(air_sites, tmp_path, file):
    suffix, data = file
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    before = Observation.objects.count()
    try:
        job = run_import("air", [path], evaluate=False)
    except ImportFailed as exc:
        assert Observation.objects.count() == before
        job = ImportJob.objects.get(pk=exc.job.pk)
        assert job.state == ImportJob.State.FAILED and job.error and "Traceback" not in job.error
        return
    assert job.state == ImportJob.State.DONE
    assert Observation.objects.count() == before + job.added


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        append_row(book.active, row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@given(rows=st.lists(st.lists(cells, min_size=3, max_size=3), max_size=4), cut=st.integers(min_value=0, max_value=4000))
@FUZZ
def test_site_import_of_any_file_is_all_or_nothing(users, org, tmp_path, rows, cut):
    from meili.monitoring.services import import_sites

    data = _xlsx([["medium", "code", "name"], *rows])
    path = tmp_path / "sites.xlsx"
    path.write_bytes(data if cut > len(data) else data[:cut])
    before = Site.objects.count()
    try:
        import_sites(users["admin"], path)
    except InputError:
        assert Site.objects.count() == before


@given(rows=st.lists(st.lists(cells, min_size=6, max_size=6), max_size=3), cut=st.integers(min_value=0, max_value=6000))
@FUZZ
def test_ledger_import_of_any_file_is_all_or_nothing(users, org, tmp_path, rows, cut):
    from meili.governance import ledger
    from meili.governance.models import LedgerItem

    book = openpyxl.Workbook()
    book.active.title = ledger.SHEET
    for row in [list(ledger.COLUMNS), *rows]:
        append_row(book.active, row)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(data if cut > len(data) else data[:cut])
    before = LedgerItem.objects.count()
    try:
        ledger.import_workbook(users["officer"], path)
    except ledger.LedgerImportFailed:
        assert LedgerItem.objects.count() == before


@given(values=st.lists(cells, min_size=1, max_size=3), cut=st.integers(min_value=0, max_value=20000))
@FUZZ
def test_progress_upload_of_any_file_is_all_or_nothing(users, org, tmp_path, values, cut):
    from meili.progress import excel
    from meili.progress.models import IndicatorValue
    from meili.progress.plans import current_plan, load_packaged_plan

    try:
        plan = current_plan()
    except LookupError:
        plan = load_packaged_plan() and current_plan()
    template = excel.template(plan, org["huancui"], 2025)
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[excel.SHEET]
    for row, value in zip(sheet.iter_rows(min_row=2), values):
        row[5].value = clean_text(value)
        row[8].value = "报告"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    path = tmp_path / "values.xlsx"
    path.write_bytes(data if cut > len(data) else data[:cut])
    before = IndicatorValue.objects.count()
    changed, _unchanged, errors, _skipped = excel.apply(users["reporter"], path, plan, org["huancui"], 2025)
    if errors:
        assert IndicatorValue.objects.count() == before and changed == 0
