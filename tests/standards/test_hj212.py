"""HJ 212 protocol: every published packet of the reference pack, answers, split packets, invariants."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meili.standards import hj212
from meili.standards.hj212 import CrcVariant, Edition, HJ212Error

DATA = Path(__file__).resolve().parents[1] / "data" / "sources"


def _examples() -> list[bytes]:
    lines = (DATA / "hj212_examples.txt").read_text(encoding="utf-8").splitlines()
    return [line.encode("utf-8") for line in lines if line.startswith("##")]


EXAMPLES = _examples()

# number in the pack, CRC variant, edition, CN, MN, Flag, values (without -Flag), DataTime, one (code, field,
# text, flag) read off the packet by eye
TABLE = [
    (1, "hj212", Edition.HJ212_2017, "1062", "010000A8900016F000169DC0", 5, 0, None, None),
    (
        2,
        "hj212",
        Edition.HJ212_2017,
        "2011",
        "81733553216103",
        4,
        7,
        "2024-01-22 08:16:00",
        ("a01013", "Rtd", "-0.052", "N"),
    ),
    (
        3,
        "hj212",
        Edition.HJ212_2017,
        "2011",
        "8888888000114W",
        4,
        19,
        "2018-03-03 10:59:00",
        ("a34013", "ZsRtd", "0.00", "D"),
    ),
    (
        4,
        "hj212",
        Edition.HJ212_2017,
        "2051",
        "41082201S15303",
        4,
        36,
        "2021-07-22 13:20:00",
        ("a01013", "Min", "-120.4117", "T"),
    ),
    (
        5,
        "hj212",
        Edition.HJ212_2017,
        "2051",
        "88888880000137",
        6,
        42,
        "2018-03-03 10:12:00",
        ("w01018", "Cou", "0.0000", "D"),
    ),
    (
        6,
        "hj212",
        Edition.HJ212_2017,
        "2061",
        "81733553216103",
        4,
        24,
        "2024-01-22 17:00:00",
        ("a00000", "Cou", "19191.973", "N"),
    ),
    (
        7,
        "hj212",
        Edition.HJ212_2017,
        "2061",
        "NEWPROTOCOLTEST000000092",
        4,
        31,
        "2021-07-22 13:00:00",
        ("a00000", "Cou", "12758.2462", "N"),
    ),
    (
        8,
        "hj212",
        Edition.HJ212_2017,
        "2011",
        "000101",
        5,
        11,
        "2024-01-23 12:32:00",
        ("w01018", "SampleTime", "20240123110306", "N"),
    ),
    (
        9,
        "hj212",
        Edition.HJ212_2017,
        "2051",
        "23923493201019",
        5,
        29,
        "2024-11-30 11:30:00",
        ("w00000", "Avg", "19796346.00", "N"),
    ),
    (
        10,
        "hj212",
        Edition.HJT212_2005,
        "2061",
        "chang000003",
        None,
        32,
        "2020-01-09 09:00:00",
        ("w21003", "Avg", "1.544", None),
    ),
    (
        11,
        "hj212",
        Edition.HJT212_2005,
        "2011",
        "81733553216204",
        None,
        6,
        "2024-01-23 13:15:00",
        ("B01", "Rtd", "0.000", None),
    ),
    (
        12,
        "hj212",
        Edition.HJT212_2005,
        "2011",
        "LD130133000015",
        None,
        3,
        "2016-08-24 00:38:17",
        ("060", "Rtd", "1.803", "N"),
    ),
    (13, "hj212", Edition.HJT212_2005, "2061", "88888880000020", 3, 0, None, None),
    (14, "modbus", Edition.HJT212_2005, "2031", "ABCDEFG1234567", 3, 0, None, None),
]


def test_the_table_covers_every_published_packet():
    assert len(EXAMPLES) == len(TABLE) == 14


@pytest.mark.parametrize(("number", "variant", "edition", "cn", "mn", "flag", "count", "data_time", "sample"), TABLE)
def test_published_packet(number, variant, edition, cn, mn, flag, count, data_time, sample):
    raw = EXAMPLES[number - 1]
    packet = hj212.parse(raw, CrcVariant(variant))
    assert (packet.edition, packet.cn, packet.mn, packet.flag, len(packet.values)) == (edition, cn, mn, flag, count)
    assert (str(packet.data_time) if packet.data_time else None) == data_time
    if sample:
        assert sample in [(v.code, v.field, v.text, v.flag) for v in packet.values]
    other = CrcVariant.MODBUS if variant == "hj212" else CrcVariant.HJ212
    with pytest.raises(HJ212Error) as caught:
        hj212.parse(raw, other)
    assert caught.value.reason == "crc"
    assert hj212.parse(raw, None) == packet
    # re-framing the segment gives the published packet byte for byte
    segment = raw[6:-4].decode("utf-8")
    assert hj212.frame(segment, CrcVariant(variant)) == raw + b"\r\n"


def test_appendix_a_crc_and_its_modbus_value():
    segment = b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
    assert hj212.crc_text(segment) == "1C80"
    assert hj212.crc_text(segment, CrcVariant.MODBUS) == "0759"  # pack §1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80))
def test_two_byte_table_crc_equals_the_bytewise_algorithm(data):
    assert hj212.crc_hj212_python(data) == hj212.crc_hj212_bytewise(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=1100))
def test_compiled_crc_equals_the_python_reference(data):
    assert hj212.crc_hj212(data) == hj212.crc_hj212_python(data) == hj212.crc_hj212_bytewise(data)
    assert hj212.crc_modbus(data) == hj212.crc_modbus_python(data)


def test_published_crcs_with_the_compiled_crc_and_the_python_fallback(monkeypatch):
    """numba is a dependency, so the compiled CRC runs; without it (``MEILI_HJ212_CRC=python`` stands for a
    machine without numba) the pure-Python one does, and both verify the 14 published packets."""

    def published_crcs():
        return [hj212.crc_text(raw[6:-4], CrcVariant(row[1])) for raw, row in zip(EXAMPLES, TABLE, strict=True)]

    given = [raw[-4:].decode() for raw in EXAMPLES]
    assert hj212.crc_backend() == "numba"
    assert published_crcs() == given
    monkeypatch.setenv("MEILI_HJ212_CRC", "python")
    try:
        assert hj212.crc_backend(reload=True) == "python"
        assert published_crcs() == given
        assert all(hj212.parse(raw, CrcVariant(row[1])) for raw, row in zip(EXAMPLES, TABLE, strict=True))
    finally:
        monkeypatch.delenv("MEILI_HJ212_CRC")
    assert hj212.crc_backend(reload=True) == "numba"


def test_unicode_digits_are_not_numbers():
    with pytest.raises(HJ212Error):
        hj212.parse(hj212.frame("ST=32;CN=2011;PW=1;MN=X;Flag=²;CP=&&&&"))
    with pytest.raises(HJ212Error):
        hj212.parse_time("\uff12\uff10\uff12\uff140101000000")


def test_examples_13_and_14_share_the_standard_crc():
    # pack §1: the standard's CRC takes 256 values only; these two different segments collide on D581
    assert hj212.crc_text(EXAMPLES[12][6:-4]) == hj212.crc_text(EXAMPLES[13][6:-4]) == "D581"


def test_repeated_keys_are_kept_in_order():
    packet = hj212.parse(EXAMPLES[8])
    flow = [(v.field, v.text) for v in packet.values if v.code == "w00000"]
    assert flow[:4] == [("Cou", "237.91"), ("Avg", "66.09"), ("Min", "392.51"), ("Max", "403.98")]
    assert flow[4] == ("Avg", "19796346.00")


def test_history_request_parameters():
    packet = hj212.parse(EXAMPLES[12])
    assert packet.params == {"BeginTime": "20180518070000", "EndTime": "20180518070000"}
    assert packet.wants_answer and not packet.is_split


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "frame"),
        (b"#0101QN=1", "frame"),
        (b"##01x1QN=20160801085857223;ST=32&&1C80", "frame"),
        (EXAMPLES[0].replace(b"##0101", b"##0102"), "length"),
        (EXAMPLES[0].replace(b"1C80", b"1C81"), "crc"),
        (EXAMPLES[0].replace(b"1C80", b"1CZ0"), "frame"),
        (b"##0004\xff\xfe\xfd\xfc1C80", "encoding"),
    ],
)
def test_bad_frames(raw, reason):
    with pytest.raises(HJ212Error) as caught:
        hj212.parse(raw)
    assert caught.value.reason == reason


def _framed(segment: str) -> bytes:
    return hj212.frame(segment)


@pytest.mark.parametrize(
    ("segment", "reason"),
    [
        ("ST=32;CN=2011;PW=123456;MN=X", "segment"),  # no CP
        ("ST=32;CN=2011;PW=123456;MN=X;CP=&&DataTime=20240101000000", "segment"),  # no closing &&
        ("ST=32;CN=2011;PW=123456;CP=&&&&", "segment"),  # no MN
        ("ST=32;CN=2011;PW=123456;MN=X;Foo=1;CP=&&&&", "segment"),
        ("ST=32;ST=31;CN=2011;PW=123456;MN=X;CP=&&&&", "segment"),
        ("ST=32;CN=2011;PW=1234567890;MN=X;CP=&&&&", "segment"),  # PW wider than 9 (表3)
        ("ST=32;CN=2011;PW=1;MN=X;Flag=300;CP=&&&&", "segment"),
        ("ST=32;CN=2011;PW=1;MN=X;Flag=13;CP=&&&&", "flag"),  # version 3 is unknown
        ("ST=32;CN=2011;PW=1;MN=X;Flag=6;PNUM=2;CP=&&&&", "split"),
        ("ST=32;CN=2011;PW=1;MN=X;Flag=6;PNUM=2;PNO=3;CP=&&&&", "split"),
        ("QN=2024;ST=32;CN=2011;PW=1;MN=X;CP=&&&&", "time"),
        ("ST=32;CN=2011;PW=1;MN=X;CP=&&DataTime=20241301000000&&", "time"),
        ("ST=32;CN=2011;PW=1;MN=X;CP=&&DataTime=20240101000000;a21026-Rtd&&", "cp"),
    ],
)
def test_bad_segments(segment, reason):
    with pytest.raises(HJ212Error) as caught:
        hj212.parse(_framed(segment))
    assert caught.value.reason == reason


def test_value_numbers():
    packet = hj212.parse(
        _framed("ST=31;CN=2011;PW=1;MN=X;CP=&&DataTime=20240101000000;a21026-Rtd=abc,a01013-Rtd=-1.5e2&&")
    )
    bad, good = packet.values
    with pytest.raises(HJ212Error, match="a21026-Rtd='abc' is not a number"):
        bad.number()
    assert good.number() == -150.0


def test_millisecond_data_time():
    assert hj212.parse(EXAMPLES[11]).data_time == dt.datetime(2016, 8, 24, 0, 38, 17)
    assert hj212.parse_time("20160824003817123").microsecond == 123000
    assert hj212.format_time(dt.datetime(2016, 8, 24, 0, 38, 17, 123000), millis=True) == "20160824003817123"


def test_length_counts_utf8_bytes_or_characters():
    segment = "ST=32;CN=3020;PW=1;MN=X;CP=&&i11001-Info=设备正常&&"
    data = segment.encode("utf-8")
    by_bytes = hj212.frame(segment)
    by_chars = b"##" + f"{len(segment):04d}".encode() + data + hj212.crc_text(data).encode() + b"\r\n"
    assert hj212.parse(by_bytes) == hj212.parse(by_chars)
    assert hj212.parse(by_bytes).values[0].text == "设备正常"


def test_segment_over_1024_bytes_is_refused():
    with pytest.raises(HJ212Error) as caught:
        hj212.frame("ST=32;CN=2011;PW=1;MN=X;CP=&&" + "a" * 1024 + "&&")
    assert caught.value.reason == "length"


def test_data_answer_echoes_qn_pw_mn_with_the_request_edition():
    request = hj212.parse(EXAMPLES[7])  # Flag=5: 2017, ack wanted
    assert request.wants_answer
    assert hj212.answer(request, hj212.CN_DATA_ANSWER) == (
        "QN=20240123123205877;ST=91;CN=9014;PW=123456;MN=000101;Flag=4;CP=&&&&"
    )
    reply = hj212.parse(hj212.frame(hj212.answer(request, hj212.CN_QN_ANSWER, "QnRtn=1")))
    assert (reply.cn, reply.params, reply.edition) == ("9011", {"QnRtn": "1"}, Edition.HJ212_2017)
    v2025 = hj212.parse_segment("QN=20260101000000000;ST=31;CN=2011;PW=1;MN=X;Flag=9;CP=&&&&")
    assert v2025.edition is Edition.HJ212_2025 and v2025.wants_answer
    assert ";Flag=8;" in hj212.answer(v2025, hj212.CN_DATA_ANSWER)
    old = hj212.parse(EXAMPLES[10])
    assert not old.wants_answer and "Flag" not in hj212.answer(old, hj212.CN_DATA_ANSWER)


def test_edition_flags():
    assert [hj212.edition_flag(Edition.HJ212_2017, ack, split) for ack, split in [(0, 0), (1, 0), (0, 1), (1, 1)]] == [
        4,
        5,
        6,
        7,
    ]
    assert hj212.edition_flag(Edition.HJ212_2025, ack=True) == 9


def _part(pno: int, pnum: int, cp: str, qn: str) -> hj212.Packet:
    return hj212.parse_segment(
        hj212.build_segment(st="32", cn="2051", pw="1", mn="M1", cp=cp, qn=qn, flag=7, pnum=pnum, pno=pno)
    )


def test_reassembly_in_any_order():
    parts = [
        _part(2, 3, "DataTime=20240101000000;w21003-Avg=2.0,w21003-Flag=N", "20240101000100001"),
        _part(1, 3, "DataTime=20240101000000;w01018-Avg=1.0,w01018-Flag=N", "20240101000100000"),
        _part(3, 3, "DataTime=20240101000000;w00000-Cou=3.0", "20240101000100002"),
    ]
    joined = hj212.Reassembler()
    assert joined.add(parts[0], 0.0) is None and joined.add(parts[1], 1.0) is None and joined.pending == 1
    whole, got = joined.add(parts[2], 2.0)
    assert joined.pending == 0 and [p.pno for p in got] == [1, 2, 3]
    assert [(v.code, v.text, v.flag) for v in whole.values] == [
        ("w01018", "1.0", "N"),
        ("w21003", "2.0", "N"),
        ("w00000", "3.0", None),
    ]
    assert whole.data_time == dt.datetime(2024, 1, 1) and not whole.is_split and whole.wants_answer


def test_incomplete_split_packets_expire_and_groups_are_bounded():
    joined = hj212.Reassembler(timeout=10, max_groups=2)
    joined.add(_part(1, 2, "DataTime=20240101000000;a-Rtd=1", "20240101000000000"), 0.0)
    assert joined.expire(5.0) == []
    expired = joined.expire(11.0)
    assert len(expired) == 1 and expired[0][0].pno == 1 and joined.pending == 0
    for minute in range(3):
        joined.add(_part(1, 2, f"DataTime=2024010100{minute:02d}00;a-Rtd=1", "20240101000000000"), 20.0)
    assert joined.pending == 2
    (dropped,) = joined.expire(21.0)  # the oldest group made room for the third
    assert dropped[0].data_time == dt.datetime(2024, 1, 1, 0, 0)
    with pytest.raises(HJ212Error):
        joined.add(hj212.parse(EXAMPLES[1]), 0.0)


def test_every_code_of_the_tables_round_trips():
    with (DATA / "hj212_codes.csv").open(encoding="utf-8") as fh:
        codes = [row["code"] for row in csv.DictReader(fh)]
    assert len(codes) == 184
    for code in codes:
        segment = hj212.build_segment(
            st="31", cn="2011", pw="1", mn="M", cp=hj212.cp_text({f"{code}-Rtd": "1.5", f"{code}-Flag": "N"})
        )
        (value,) = hj212.parse(hj212.frame(segment)).values
        assert (value.code, value.field, value.number(), value.flag) == (code, "Rtd", 1.5, "N")


_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
_text = st.text(alphabet="0123456789.-ABCNDM", min_size=0, max_size=8)
_field = st.sampled_from(["Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax", "SampleTime"])


@settings(max_examples=200, deadline=None)
@given(
    mn=_name,
    pw=_name,
    cn=st.sampled_from(sorted(hj212.DATA_CNS)),
    flag=st.one_of(st.none(), st.integers(0, 11).filter(lambda f: not f & 2)),
    moment=st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)).map(lambda t: t.replace(microsecond=0)),
    values=st.lists(st.tuples(_name, _field, _text), max_size=12, unique_by=lambda v: (v[0], v[1])),
    variant=st.sampled_from(list(CrcVariant)),
)
def test_build_parse_round_trip(mn, pw, cn, flag, moment, values, variant):
    cp = hj212.cp_text([(f"{code}-{name}", text) for code, name, text in values], moment)
    qn = None if flag is None else hj212.format_time(moment, millis=True)
    segment = hj212.build_segment(st="31", cn=cn, pw=pw, mn=mn, cp=cp, qn=qn, flag=flag)
    packet = hj212.parse(hj212.frame(segment, variant), variant)
    assert (packet.mn, packet.pw, packet.cn, packet.flag, packet.qn) == (mn, pw, cn, flag, qn)
    assert packet.data_time == moment
    grouped = sorted(values, key=lambda v: [c for c, _, _ in values].index(v[0]))
    assert [(v.code, v.field, v.text) for v in packet.values] == grouped


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300) | st.builds(lambda b: b"##" + b, st.binary(max_size=200)))
def test_parser_raises_only_its_own_error(raw):
    try:
        hj212.parse(raw, None)
    except HJ212Error:
        pass


_pieces = ["ST=31", "CN=2011", "PW=1", "MN=M", "Flag=", "PNUM=", "PNO=", "QN=", "CP=&&", "&&", ";", ",", "=", "-"]
_pieces += ["-Flag", "-Rtd", "a01", "DataTime=", "20240101000000", "7", "6", "1", "2", ""]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200) | st.lists(st.sampled_from(_pieces), max_size=30).map("".join))
def test_segment_parser_raises_only_its_own_error_on_framed_text(text):
    try:
        hj212.parse(hj212.frame(text[:300]) if len(text.encode()) <= 1024 else b"")
    except HJ212Error:
        pass


def test_the_compiled_crc_without_a_writable_cache_folder(monkeypatch):
    """Where numba finds no folder to cache in (a read-only installation without a home), the CRC is compiled in
    memory instead of failing."""
    from numba.core import caching

    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])
    try:
        assert hj212.crc_backend(reload=True) == "numba"
        assert [hj212.crc_text(raw[6:-4], CrcVariant(row[1])) for raw, row in zip(EXAMPLES, TABLE, strict=True)] == [
            raw[-4:].decode() for raw in EXAMPLES
        ]
    finally:
        monkeypatch.undo()
        hj212.crc_backend(reload=True)
