"""A lake is split into tasks by the files that hold each site, and never splits a site between tasks."""

import datetime as dt

import polars as pl
import pyarrow as pa

from meili.scale import files


def frame(sites, hours=3):
    start = dt.datetime(2025, 1, 1, 1)
    rows = [
        (site, start + dt.timedelta(hours=h), p, float(h + k))
        for site in sites
        for h in range(hours)
        for k, p in enumerate(("SO2", "PM2.5"))
    ]
    return pl.DataFrame(rows, schema=["site", "time", "parameter", "value"], orient="row")


def test_files_sorted_by_site_are_pieces_of_their_own(tmp_path):
    (tmp_path / "year=2025").mkdir()
    frame(["A1", "A2"]).write_parquet(tmp_path / "year=2025" / "part-0.parquet")
    frame(["B1", "B2"]).write_parquet(tmp_path / "year=2025" / "part-1.parquet")
    frame(["C1"]).write_parquet(tmp_path / "year=2025" / "part-2.parquet")
    (tmp_path / "_SUCCESS").write_text("")
    tasks = files.plan((str(tmp_path),), 2)
    assert tasks is not None and len(tasks) == 2
    assert sorted(p.path.rsplit("/", 1)[1] for task in tasks for p in task) == [
        "part-0.parquet",
        "part-1.parquet",
        "part-2.parquet",
    ]
    rows = pa.concat_tables([files.read(task) for task in tasks])
    assert rows.schema == files.LONG and rows.num_rows == 5 * 3 * 2


def test_files_sharing_a_site_range_share_a_task(tmp_path):
    frame(["A1", "C1"]).write_parquet(tmp_path / "part-0.parquet")
    frame(["B1"]).write_parquet(tmp_path / "part-1.parquet")
    frame(["D1"]).write_parquet(tmp_path / "part-2.parquet")
    found = files.parts((str(tmp_path),))
    assert found is not None
    groups = files.pieces(found)
    assert [sorted(p.low for p in g) for g in groups] == [["A1", "B1"], ["D1"]]


def test_site_folders_give_the_site_when_the_files_hold_none(tmp_path):
    data = frame(["S 1", "S2"]).with_columns(pl.col("time").dt.year().alias("year"))
    for (site,), part in data.group_by(["site"]):
        folder = tmp_path / "year=2025" / f"site={site.replace(' ', '%20')}"
        folder.mkdir(parents=True)
        part.drop("year", "site").write_parquet(folder / "part-0.parquet")
    tasks = files.plan((str(tmp_path),), 4)
    assert tasks is not None and len(tasks) == 2
    sites = {files.read(task).column("site")[0].as_py() for task in tasks}
    assert sites == {"S 1", "S2"}


def test_a_lake_that_cannot_be_split_is_grouped_by_spark(tmp_path):
    """Every file holding every site, text times, or a URL Arrow cannot open: Spark groups by site."""
    frame(["A", "B"]).write_parquet(tmp_path / "part-0.parquet")
    frame(["A", "B"]).write_parquet(tmp_path / "part-1.parquet")
    assert files.plan((str(tmp_path),), 2) is None
    text = tmp_path / "text"
    text.mkdir()
    frame(["A"]).with_columns(pl.col("time").dt.strftime("%Y-%m-%d %H:%M")).write_parquet(text / "p.parquet")
    assert files.plan((str(text),), 2) is None
    assert files.plan(("s3a://bucket/lake/",), 2) is None
