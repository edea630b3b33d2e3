"""``meili hj212 parse``: a packet log to one CSV row per value; bad lines are rows, not stops."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from meili.cli import main
from meili.cli.hj212 import COLUMNS

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


def _packets() -> list[str]:
    lines = (DATA / "hj212_examples.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.startswith("##")]


def _parse(tmp_path, text: bytes, *extra: str) -> list[dict[str, str]]:
    log = tmp_path / "packets.log"
    log.write_bytes(text)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["hj212", "parse", str(log), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def test_every_published_packet_crlf_log(tmp_path):
    packets = _packets()
    rows = _parse(tmp_path, "\r\n".join(packets).encode("utf-8") + b"\r\n")
    by_line: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_line.setdefault(row["line"], []).append(row)
    assert sorted(by_line, key=int) == [str(n) for n in range(1, 15)]
    # 13 verify with the standard's CRC; the 14th is the pack's MODBUS example
    assert [by_line[str(n)][0]["valid"] for n in range(1, 15)] == ["true"] * 13 + ["false"]
    assert by_line["14"][0]["error"].startswith("crc: CRC 2BE2")
    minute = by_line["4"]
    assert len(minute) == 36
    assert minute[0] == {
        "line": "4",
        "valid": "true",
        "error": "",
        "qn": "20210722132000042",
        "st": "31",
        "cn": "2051",
        "mn": "41082201S15303",
        "flag": "4",
        "data_time": "2021-07-22 13:20:00",
        "code": "a24088",
        "field": "Min",
        "value": "0.0002",
        "value_flag": "N",
    }
    assert {r["field"] for r in minute} == {"Min", "Avg", "Max", "ZsMin", "ZsAvg", "ZsMax", "Cou"}
    old = by_line["11"]
    assert (old[0]["qn"], old[0]["flag"], old[1]["code"], old[1]["value_flag"]) == ("", "", "B01", "")
    request = by_line["1"]
    assert len(request) == 1 and request[0]["code"] == "" and request[0]["cn"] == "1062"


def test_bad_lines_are_reported_and_parsing_goes_on(tmp_path):
    good = _packets()[1]
    bad_crc = good[:-4] + "0000"
    text = "\n".join(["not a packet", bad_crc, "", good.replace("##0318", "##0317"), good]) + "\n"
    rows = _parse(tmp_path, text.encode("utf-8"))
    invalid = [(r["line"], r["error"].split(":")[0]) for r in rows if r["valid"] == "false"]
    assert invalid == [("1", "frame"), ("2", "crc"), ("4", "length")]
    assert {r["line"] for r in rows if r["valid"] == "true"} == {"5"}


def test_modbus_logs_need_the_option(tmp_path):
    modbus = _packets()[13].encode("utf-8")
    assert _parse(tmp_path, modbus, "--crc", "modbus")[0]["valid"] == "true"
    assert _parse(tmp_path, modbus, "--crc", "any")[0]["valid"] == "true"


def test_values_are_written_as_they_came(tmp_path):
    from meili.standards import hj212

    segment = "ST=32;CN=2011;PW=1;MN=M;CP=&&DataTime=20240101120000123;w01018-Rtd=abc,w01018-Flag=D&&"
    rows = _parse(tmp_path, hj212.frame(segment))
    assert [(r["valid"], r["data_time"], r["value"], r["value_flag"]) for r in rows] == [
        ("true", "2024-01-01 12:00:00", "abc", "D")
    ]
