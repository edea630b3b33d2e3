"""The command line and the importer read a monitoring file by the same value grammar."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from meili.cli import main
from meili.monitoring.models import MediaResult, Observation, Site

pytestmark = pytest.mark.django_db

#: every non-detect notation and a qualitative item; today's CLI refused ND0.02, today's importer 0.05l and 无
GROUNDWATER = (
    "site,time,parameter,value,unit\n"
    "G1,2024-05-01,氯化物,400,\n"
    "G1,2024-05-01,pce,350,ug/L\n"
    "G1,2024-05-01,las,0.05l,\n"
    "G1,2024-05-01,硝酸盐,<0.5,\n"
    "G1,2024-05-01,氨氮,ND0.02,\n"
    "G1,2024-05-01,氟化物,0.1L,\n"
    "G1,2024-05-01,嗅和味,无,\n"
    "G1,2024-05-01,肉眼可见物,无,\n"
)


def test_the_same_groundwater_file_is_accepted_by_classify_and_import(org, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(GROUNDWATER, encoding="utf-8")
    classified = CliRunner().invoke(main, ["groundwater", "classify", str(path)])
    assert classified.exit_code == 0, classified.output
    row = next(csv.DictReader(io.StringIO(classified.output)))
    assert row["class_label"] == "Ⅴ"

    Site.objects.create(medium="groundwater", code="G1", name="一号井")
    imported = CliRunner().invoke(main, ["import", "groundwater", "--quiet", str(path)])
    assert imported.exit_code == 0, imported.output
    stored = {o.parameter: (o.value, o.flag, o.raw) for o in Observation.objects.filter(site__code="G1")}
    assert len(stored) == 8
    assert stored["las"] == (0.05, "below_dl", "0.05l")
    assert stored["nh3n"][:2] == (0.02, "below_dl")
    assert stored["odour"] == (0.0, "", "无")
    assert {r.klass for r in MediaResult.objects.filter(medium="groundwater", site__code="G1")} == {5}


def test_both_refuse_a_qualitative_result_for_a_measured_item(org, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("site,time,parameter,value\nG1,2024-05-01,氯化物,有\n", encoding="utf-8")
    Site.objects.create(medium="groundwater", code="G1", name="一号井")
    for args in (["groundwater", "classify", str(path)], ["import", "groundwater", "--quiet", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code != 0
        assert "g.csv, row 2, column value: '有' is a qualitative result" in result.output
