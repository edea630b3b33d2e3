"""``meili water|sea classify --engine spark`` writes what the local engine writes, byte for byte."""

import numpy as np
from click.testing import CliRunner

from meili.cli import main

WATER_ITEMS = (
    ("do", 2, 9),
    ("高锰酸盐指数", 1, 12),
    ("cod", 8, 40),
    ("bod5", 1, 8),
    ("氨氮", 0.1, 2.5),
    ("tp", 0.01, 0.5),
)
SEA_ITEMS = (
    ("ph", 7.6, 8.6),
    ("no3n", 0.01, 0.4),
    ("no2n", 0.001, 0.05),
    ("nh4n", 0.01, 0.2),
    ("活性磷酸盐", 0.005, 0.06),
)


def samples(tmp_path, items, sites, dates, nondetect_item=None):
    rng = np.random.default_rng(3)
    lines = ["site,time,parameter,value"]
    for site in sites:
        for date in dates:
            for name, low, high in items:
                if rng.random() < 0.1:
                    continue
                lines.append(f"{site},{date},{name},{rng.uniform(low, high):.3f}")
            if nondetect_item:
                lines.append(f"{site},{date},{nondetect_item},0.00001L")
    path = tmp_path / "samples.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def both(tmp_path, medium, *args):
    outputs = []
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.csv"
        result = CliRunner().invoke(main, [medium, "classify", *map(str, args), "-o", str(out), "--engine", engine])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_bytes())
    return outputs


def test_water_classify_on_spark_equals_local(spark, tmp_path):
    dates = [f"2024-{m:02d}-{d:02d} 10:00" for m in (1, 2, 3) for d in (5, 20)]
    path = samples(tmp_path, WATER_ITEMS, [f"W{k}" for k in range(6)], dates, nondetect_item="hg")
    sites = tmp_path / "sites.csv"
    sites.write_text("site,type,target_class\nW0,river,Ⅲ\nW1,lake,II\nW2,reservoir,Ⅳ\nW9,river,Ⅲ\n", encoding="utf-8")
    for period in ("sample", "month"):
        local, spark_out = both(tmp_path, "water", path, "--sites", sites, "--period", period)
        assert local == spark_out and local.count(b"\n") > 6


def test_sea_classify_on_spark_equals_local(spark, tmp_path):
    dates = ["2024-05-01", "2024-08-01", "2024-10-15"]
    path = samples(tmp_path, SEA_ITEMS, [f"M{k}" for k in range(5)], dates)
    sites = tmp_path / "st.csv"
    sites.write_text("site,target_class\nM0,二类\nM1,四类\nM3,一类\n", encoding="utf-8")
    local, spark_out = both(tmp_path, "sea", path, "--sites", sites, "--period", "year")
    assert local == spark_out and local.count(b"\n") == 6
