"""HJ 212: the data-transmission protocol of pollutant online monitoring (HJ 212-2017 and HJ 212-2025).

A packet is ``##`` + a 4-digit data-segment length + the data segment + a 4-hex CRC + CR LF
(HJ 212-2017 §6.3.1 表2; unchanged in HJ 212-2025). The data segment is
``QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;[PNUM=…;PNO=…;]CP=&&…&&`` (§6.3.2 表3); the CP area holds
``code-Field=value`` items separated by ``,`` (same item) and ``;`` (items) (§6.3.3, 表4).

* :func:`crc_hj212` / :func:`crc_modbus` — the CRC of HJ 212-2017 附录A and the textbook CRC-16/MODBUS
  that some devices send instead (a per-device option); compiled with numba where it is installed (about ten
  times faster: the CRC was most of a packet's parsing time), the pure-Python :func:`crc_hj212_python` and
  :func:`crc_modbus_python` are the reference and the fallback (:func:`crc_backend`).
* :func:`unframe` / :func:`frame` — check and strip the frame, or wrap a data segment in one.
* :func:`parse_segment` / :func:`parse` — the data segment as a typed :class:`Packet`, CP values per code.
* :func:`build_segment`, :func:`answer` — packets the platform sends (9011, 9013, 9014) and the simulator's
  uploads.
* :class:`Reassembler` — split packets (Flag D bit, ``PNUM``/``PNO``) reassembled, as a pure state object.

Editions come from Flag bits V5..V0 (§6.3.2 Flag description): 0 = HJ/T 212-2005, 1 = HJ 212-2017,
2 = HJ 212-2025 (reference pack §0, high); a packet with no Flag is 2005-style and accepted. Every failure is a
:class:`HJ212Error` whose :attr:`~HJ212Error.reason` is a short machine code and whose text says what is wrong.
Nothing here does I/O.
"""

from __future__ import annotations

import array
import datetime as dt
import enum
import functools
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt

#: §6.3.1 表2: ``##`` + 4 length digits + ≤1024 segment + 4 CRC + CRLF
MAX_SEGMENT = 1024
MAX_PACKET = 2 + 4 + MAX_SEGMENT + 4 + 2
HEADER = "##"
TAIL = "\r\n"
#: Flag bit A (bit 0): the sender asks for an answer; bit D (bit 1): PNUM/PNO present (§6.3.2 表3 Flag)
FLAG_ACK = 0x01
FLAG_SPLIT = 0x02
#: HJ 212-2017 表9 / HJ 212-2025 command codes the platform uses itself
CN_QN_ANSWER = "9011"
CN_EXE_RESULT = "9012"
CN_NOTICE_ANSWER = "9013"
CN_DATA_ANSWER = "9014"
CN_HEARTBEAT = "9015"
ST_SYSTEM = "91"
#: CN of uploads that carry monitoring data (表9): real-time, running state, daily, daily running time, minute,
#: hourly
DATA_CNS = frozenset({"2011", "2021", "2031", "2041", "2051", "2061"})
#: HJ 212-2017 表8 data flags
VALUE_FLAGS = frozenset("NFMSDCTB")
HEADER_KEYS = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")
#: §6.3.2 表3 field widths (name and ``=`` included) of the 2017 text; 2005 allowed less, never more
_WIDTHS = {"QN": 20, "ST": 5, "CN": 7, "PW": 9, "MN": 27, "Flag": 8, "PNUM": 9, "PNO": 8}
_NUMBER_MATCH = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z").match
_CRC_FIELD = re.compile(r"[0-9A-F]{4}").fullmatch


class HJ212Error(ValueError):
    """A packet that cannot be accepted; :attr:`reason` is a short code (``crc``, ``length``, ``frame``, …)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Edition(enum.IntEnum):
    """Protocol edition from Flag bits V5..V0 (HJ 212-2017 §6.3.2 表3; HJ 212-2025 000010, pack §0)."""

    HJT212_2005 = 0
    HJ212_2017 = 1
    HJ212_2025 = 2

    @property
    def label(self) -> str:
        """The standard's number, e.g. ``HJ 212-2017``."""
        return {0: "HJ/T 212-2005", 1: "HJ 212-2017", 2: "HJ 212-2025"}[int(self)]


class CrcVariant(enum.StrEnum):
    """Which CRC a device computes: the standard's (附录A) or textbook CRC-16/MODBUS (pack §1, example 14)."""

    HJ212 = "hj212"
    MODBUS = "modbus"


def _table() -> tuple[int, ...]:
    rows = []
    for index in range(256):
        reg = index
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        rows.append(reg)
    return tuple(rows)


# Both variants shift right by one and XOR 0xA001 eight times per byte; they differ in what they shift: the
# standard replaces the register by (register >> 8) XOR byte, so 8 bits decide the next value, MODBUS XORs the
# byte into the low byte and keeps the high byte.
_CRC_TABLE = _table()


def _pair_table() -> tuple[int, ...]:
    # In the standard's variant only the register's high byte h carries over from one byte to the next:
    # h' = T[h ^ byte] >> 8. Two bytes b1, b2 therefore map h to T[(T[h ^ b1] >> 8) ^ b2] >> 8, which depends on
    # h ^ b1 and b2 only; indexed by the little-endian 16-bit word b1 | b2 << 8 XOR h, one look-up per two bytes.
    high = [value >> 8 for value in _CRC_TABLE]
    return tuple(high[high[word & 0xFF] ^ (word >> 8)] for word in range(65536))


_PAIR_TABLE = _pair_table()


def crc_hj212_python(data: bytes) -> int:
    """CRC of a data segment per HJ 212-2017 附录A (normative), in pure Python: the reference of :func:`crc_hj212`.

    The register starts at 0xFFFF; for every byte it becomes (register >> 8) XOR byte and then takes eight
    right shifts, XORing 0xA001 whenever a 1 is shifted out. Only the data segment is covered (not ``##``, the
    length or the CRC). Written high byte first as 4 uppercase hex digits (:func:`crc_text`). 附录A's example
    ``…CP=&&RtdInterval=30&&`` gives 0x1C80 (the sentence under it misprints "1C08").
    """
    if not data:
        return 0xFFFF
    high = 0xFF
    even = (len(data) - 1) & ~1
    words = array.array("H", data[:even])
    if sys.byteorder == "big":
        words.byteswap()
    pairs = _PAIR_TABLE
    for word in words:
        high = pairs[word ^ high]
    table = _CRC_TABLE
    for byte in data[even:-1]:
        high = table[high ^ byte] >> 8
    return table[high ^ data[-1]]


def crc_hj212_bytewise(data: bytes) -> int:
    """:func:`crc_hj212` one byte at a time, as 附录A states it (kept to check the two-byte table against)."""
    reg = 0xFFFF
    table = _CRC_TABLE
    for byte in data:
        reg = table[(reg >> 8) ^ byte]
    return reg


def crc_modbus_python(data: bytes) -> int:
    """Textbook CRC-16/MODBUS (init 0xFFFF, reflected polynomial 0xA001) in pure Python: the reference of
    :func:`crc_modbus`."""
    reg = 0xFFFF
    table = _CRC_TABLE
    for byte in data:
        reg = (reg >> 8) ^ table[(reg ^ byte) & 0xFF]
    return reg


#: the table as an array, which the compiled functions take in as a constant
_CRC_ARRAY = np.array(_CRC_TABLE, dtype=np.uint16)
Bytes = npt.NDArray[np.uint8]


def _crc_hj212_kernel(data: Bytes) -> int:
    # 附录A one byte at a time, compiled by numba (:func:`_compiled`)
    table = _CRC_ARRAY
    reg = 0xFFFF
    for byte in data:
        reg = int(table[(reg >> 8) ^ byte])
    return reg


def _crc_modbus_kernel(data: Bytes) -> int:
    table = _CRC_ARRAY
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ int(table[(reg ^ byte) & 0xFF])
    return reg


@functools.cache
def _compiled() -> tuple[Callable[[Bytes], int], Callable[[Bytes], int]] | None:
    """The CRC functions compiled by numba (cached on disk beside this module, or in the user's cache), or None
    without numba or with ``MEILI_HJ212_CRC=python``. Compiled on first use, not at import."""
    if os.environ.get("MEILI_HJ212_CRC", "") == "python":
        return None
    try:
        from numba import njit
    except ImportError:  # pragma: no cover - numba is a dependency; the fallback is tested through the variable
        return None
    # the GIL is kept: a call is a few microseconds, and releasing it would hand the event loop's turn to the
    # receiver's writer thread for up to a switch interval
    try:
        compile_ = njit(cache=True)
        kernels = compile_(_crc_hj212_kernel), compile_(_crc_modbus_kernel)
    except RuntimeError:  # no writable cache folder (installed read-only, no home): compiled in memory only
        compile_ = njit()
        kernels = compile_(_crc_hj212_kernel), compile_(_crc_modbus_kernel)
    return cast(tuple[Callable[[Bytes], int], Callable[[Bytes], int]], kernels)


def crc_backend(reload: bool = False) -> str:
    """``numba`` or ``python``: which CRC :func:`crc_hj212` runs (compiling it now if it is numba). *reload*: read
    ``MEILI_HJ212_CRC`` again (the benchmark times both in one run)."""
    if reload:
        _compiled.cache_clear()
    kernels = _compiled()
    if kernels is None:
        return "python"
    kernels[0](np.frombuffer(b"##", np.uint8))
    return "numba"


def crc_hj212(data: bytes) -> int:
    """CRC of a data segment per HJ 212-2017 附录A (:func:`crc_hj212_python`), compiled where numba is there."""
    kernels = _compiled()
    if kernels is None:
        return crc_hj212_python(data)
    return kernels[0](np.frombuffer(data, np.uint8))


def crc_modbus(data: bytes) -> int:
    """Textbook CRC-16/MODBUS (init 0xFFFF, reflected polynomial 0xA001), which some devices send.

    Not the HJ 212-2017 附录A algorithm (see :func:`crc_hj212`); accepted per device as configuration
    (reference pack §1: example 14 of the pack is such a device). Compiled like :func:`crc_hj212`; reference:
    :func:`crc_modbus_python`.
    """
    kernels = _compiled()
    if kernels is None:
        return crc_modbus_python(data)
    return kernels[1](np.frombuffer(data, np.uint8))


def crc_text(segment: bytes, variant: CrcVariant = CrcVariant.HJ212) -> str:
    """The 4-hex-digit CRC field of *segment* (HJ 212-2017 §6.3.1 表2, 附录A), high byte first, uppercase."""
    value = crc_modbus(segment) if variant is CrcVariant.MODBUS else crc_hj212(segment)
    return f"{value:04X}"


def frame(segment: str, variant: CrcVariant = CrcVariant.HJ212) -> bytes:
    """Wrap a data segment into a packet: ``##`` + length + segment + CRC + CR LF (HJ 212-2017 §6.3.1 表2).

    The length counts the segment's UTF-8 bytes (Chinese text is UTF-8, §6.3; HJ 212-2025 implementations count
    bytes, pack §1). A segment over 1024 bytes is refused.
    """
    data = segment.encode("utf-8")
    if len(data) > MAX_SEGMENT:
        raise HJ212Error("length", f"data segment of {len(data)} bytes is longer than the 1024 allowed (表2)")
    return b"##" + f"{len(data):04d}".encode("ascii") + data + crc_text(data, variant).encode("ascii") + b"\r\n"


def unframe(packet: bytes, variant: CrcVariant | None = CrcVariant.HJ212) -> str:
    """Check a packet's frame, length and CRC and return its data segment (HJ 212-2017 §6.3.1 表2, 附录A).

    *packet* may or may not end with CR LF. The declared length is accepted as UTF-8 bytes or as characters
    (the 2017 text says ASCII characters, 2025 implementations count bytes; pack §1). *variant* ``None`` accepts
    either CRC variant. Raises :class:`HJ212Error` with reason ``frame``, ``length``, ``crc`` or ``encoding``.
    """
    if packet.endswith(b"\r\n"):
        packet = packet[:-2]
    elif packet.endswith(b"\n"):
        packet = packet[:-1]
    if not packet.startswith(b"##"):
        raise HJ212Error("frame", "packet does not start with ## (表2)")
    if len(packet) < 10:
        raise HJ212Error("frame", f"packet of {len(packet)} bytes is shorter than ## + length + CRC")
    digits = packet[2:6]
    if not digits.isdigit():
        raise HJ212Error("frame", f"length field {digits!r} is not 4 decimal digits (表2)")
    data, crc = packet[6:-4], packet[-4:]
    try:
        text = data.decode("utf-8")
        crc_given = crc.decode("ascii").upper()
    except UnicodeDecodeError:
        raise HJ212Error("encoding", "data segment or CRC is not UTF-8 text (§6.3)") from None
    declared = int(digits)
    if declared not in (len(data), len(text)):
        raise HJ212Error("length", f"declared length {declared} but the data segment has {len(data)} bytes (表2)")
    if len(data) > MAX_SEGMENT:
        raise HJ212Error("length", f"data segment of {len(data)} bytes is longer than the 1024 allowed (表2)")
    if not _CRC_FIELD(crc_given):
        raise HJ212Error("frame", f"CRC field {crc.decode('ascii', 'replace')!r} is not 4 hex digits (表2)")
    variants = (CrcVariant.HJ212, CrcVariant.MODBUS) if variant is None else (variant,)
    if not any(crc_text(data, v) == crc_given for v in variants):
        raise HJ212Error(
            "crc",
            f"CRC {crc_given} does not match the data segment ({crc_text(data, variants[0])} per "
            f"{'HJ 212-2017 附录A' if variants[0] is CrcVariant.HJ212 else 'CRC-16/MODBUS'})",
        )
    return text


def to_number(text: str) -> float | None:
    """A CP value as a number (``N14.2`` style, sign and exponent allowed; §6.3.3), ``None`` if it is not one.

    Stricter than :func:`float`, which also takes ``inf``, ``nan``, ``1_0`` and surrounding spaces.
    """
    return float(text) if _NUMBER_MATCH(text) else None


class Value(NamedTuple):
    """One ``code-Field=value`` of the CP area (表4) with the code's ``-Flag`` (表8) if it has one."""

    code: str
    field: str
    text: str
    flag: str | None

    def number(self) -> float:
        """The value as a number (``N14.2`` style, sign allowed; §6.3.3); :class:`HJ212Error` if it is not one."""
        number = to_number(self.text)
        if number is None:
            raise HJ212Error("value", f"{self.code}-{self.field}={self.text!r} is not a number (§6.3.3)")
        return number


@dataclass(frozen=True, slots=True)
class Packet:
    """A parsed data segment (HJ 212-2017 §6.3.2 表3, §6.3.3 CP area).

    Build it with :func:`parse_segment`. ``params`` are the CP names without a code (``DataTime``, ``RtdInterval``, ``QnRtn``, ``BeginTime``…);
    ``entries`` every ``code-Field`` entry in order as ``(code, field, text)`` (keys may repeat, pack example 9),
    ``flags`` each code's ``-Flag``; :attr:`values` joins the two. The receiver reads ``entries`` and ``flags``
    directly, since building one :class:`Value` per entry was a tenth of its time per packet.
    """

    st: str
    cn: str
    pw: str
    mn: str
    cp: str
    qn: str | None = None
    flag: int | None = None
    pnum: int | None = None
    pno: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    entries: tuple[tuple[str, str, str], ...] = ()
    flags: dict[str, str] = field(default_factory=dict)
    #: ``DataTime`` of the CP area: the start of the period for 2031/2051/2061, the sampling time for 2011 (表4)
    data_time: dt.datetime | None = None

    @property
    def values(self) -> tuple[Value, ...]:
        """Every ``code-Field`` entry in order with the code's flag (``None`` when the code has no ``-Flag``)."""
        flags = self.flags
        return tuple(Value(code, suffix, text, flags.get(code)) for code, suffix, text in self.entries)

    @property
    def edition(self) -> Edition:
        """Edition from Flag bits V5..V0; a packet without Flag is HJ/T 212-2005 style."""
        return Edition.HJT212_2005 if self.flag is None else Edition(self.flag >> 2)

    @property
    def wants_answer(self) -> bool:
        """Flag bit A: the sender expects an answer (表3 Flag)."""
        return self.flag is not None and bool(self.flag & FLAG_ACK)

    @property
    def is_split(self) -> bool:
        """One part of a split packet: Flag bit D with ``PNUM``/``PNO`` present (表3 Flag).

        A D bit without PNUM/PNO (pack example 13, a 2005-era request with Flag=3) is a whole packet.
        """
        return self.flag is not None and bool(self.flag & FLAG_SPLIT) and self.pnum is not None


def parse_time(text: str) -> dt.datetime:
    """``YYYYMMDDhhmmss`` with optional milliseconds ``zzz`` (表3 QN, 表4 DataTime) as a naive local time."""
    if len(text) not in (14, 17) or not text.isdigit() or not text.isascii():
        raise HJ212Error("time", f"time {text!r} is not YYYYMMDDhhmmss[zzz] (表4)")
    try:
        return dt.datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            int(text[14:] or 0) * 1000,
        )
    except ValueError:
        raise HJ212Error("time", f"time {text!r} is not a calendar time (表4)") from None


def format_time(moment: dt.datetime, millis: bool = False) -> str:
    """A time as ``YYYYMMDDhhmmss`` (表4 DataTime) or ``YYYYMMDDhhmmsszzz`` (表3 QN)."""
    text = moment.strftime("%Y%m%d%H%M%S")
    return text + f"{moment.microsecond // 1000:03d}" if millis else text


def _split_cp(cp: str) -> tuple[dict[str, str], tuple[tuple[str, str, str], ...], dict[str, str]]:
    """The CP area (§6.3.3): ``name=value`` pairs separated by ``,`` or ``;`` (empty items tolerated); a name is
    not empty, a value holds no separator and no ``=``. ``code-Field`` names are values, ``code-Flag`` their flag,
    names without ``-`` parameters (a repeated parameter or flag keeps its last text).

    Split with ``str`` methods rather than a regular expression per pair: this runs for every packet received.
    """
    params: dict[str, str] = {}
    flags: dict[str, str] = {}
    entries: list[tuple[str, str, str]] = []
    for item in cp.replace(",", ";").split(";"):
        if not item:
            continue
        name, eq, text = item.partition("=")
        if not name or not eq or "=" in text:
            raise HJ212Error("cp", f"CP entry {item[:40]!r} is not name=value (§6.3.3)")
        code, _, suffix = name.partition("-")
        if not suffix:
            params[code] = text
        elif suffix == "Flag":
            flags[code] = text
        else:
            entries.append((code, suffix, text))
    return params, tuple(entries), flags


def parse_segment(segment: str) -> Packet:
    """Parse a data segment (HJ 212-2017 §6.3.2 表3 and §6.3.3) into a :class:`Packet`.

    Header fields are ``;``-separated ``name=value`` before ``CP=&&``; QN and Flag may be missing (2005-style
    devices, pack examples 10–12); ST, CN, PW, MN and CP are required. Flag is an integer 0–255 whose version
    bits must name a known edition; PNUM/PNO are required when the D bit is set. Values stay text
    (:meth:`Value.number` judges them). Raises :class:`HJ212Error` only.
    """
    head, sep, rest = segment.partition("CP=&&")
    if not sep:
        raise HJ212Error("segment", "data segment has no CP=&& (表3)")
    if not rest.endswith("&&"):
        raise HJ212Error("segment", "CP area does not end with && (表3)")
    cp = rest[:-2]
    fields: dict[str, str] = {}
    for part in head.split(";"):
        if not part:
            continue
        name, eq, text = part.partition("=")
        if not eq or name not in _WIDTHS:
            raise HJ212Error("segment", f"unknown header field {part[:30]!r} (表3)")
        if name in fields:
            raise HJ212Error("segment", f"header field {name} given twice (表3)")
        if len(name) + 1 + len(text) > _WIDTHS[name]:
            raise HJ212Error("segment", f"{name}={text[:30]!r} is wider than {_WIDTHS[name]} characters (表3)")
        fields[name] = text
    for name in ("ST", "CN", "PW", "MN"):
        if not fields.get(name):
            raise HJ212Error("segment", f"data segment has no {name} (表3)")
    flag = _small_int(fields, "Flag", 255)
    if flag is not None and (flag >> 2) not in (0, 1, 2):
        raise HJ212Error("flag", f"Flag={flag} names protocol version {flag >> 2}; known are 0, 1, 2 (表3)")
    pnum, pno = _small_int(fields, "PNUM", 9999), _small_int(fields, "PNO", 9999)
    if (pnum is None) != (pno is None) or (pnum is not None and pno is not None and not 1 <= pno <= pnum):
        raise HJ212Error("split", f"PNUM={pnum} and PNO={pno}: a split packet needs both, 1 ≤ PNO ≤ PNUM (表3)")
    qn = fields.get("QN")
    if qn is not None:
        parse_time(qn)
    params, entries, flags = _split_cp(cp)
    data_time = params.get("DataTime")
    return Packet(
        st=fields["ST"],
        cn=fields["CN"],
        pw=fields["PW"],
        mn=fields["MN"],
        cp=cp,
        qn=qn,
        flag=flag,
        pnum=pnum,
        pno=pno,
        params=params,
        entries=entries,
        flags=flags,
        data_time=None if data_time is None else parse_time(data_time),
    )


def _small_int(fields: dict[str, str], name: str, top: int) -> int | None:
    text = fields.get(name)
    if text is None:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > top:
        raise HJ212Error("segment", f"{name}={text!r} is not an integer 0–{top} (表3)")
    return int(text)


def parse(packet: bytes, variant: CrcVariant | None = CrcVariant.HJ212) -> Packet:
    """Check the frame (:func:`unframe`) and parse the data segment (:func:`parse_segment`)."""
    return parse_segment(unframe(packet, variant))


def build_segment(
    *,
    st: str,
    cn: str,
    pw: str,
    mn: str,
    cp: str = "",
    qn: str | None = None,
    flag: int | None = None,
    pnum: int | None = None,
    pno: int | None = None,
) -> str:
    """A data segment in the field order of HJ 212-2017 §6.3.2 表3 (QN, ST, CN, PW, MN, Flag, PNUM, PNO, CP)."""
    parts = [f"QN={qn}"] if qn is not None else []
    parts += [f"ST={st}", f"CN={cn}", f"PW={pw}", f"MN={mn}"]
    if flag is not None:
        parts.append(f"Flag={flag}")
    if pnum is not None and pno is not None:
        parts += [f"PNUM={pnum}", f"PNO={pno}"]
    return ";".join(parts) + f";CP=&&{cp}&&"


def edition_flag(edition: Edition, ack: bool = False, split: bool = False) -> int:
    """The Flag value of an edition with bits A and D (表3 Flag: V5..V0 D A)."""
    return (int(edition) << 2) | (FLAG_SPLIT if split else 0) | (FLAG_ACK if ack else 0)


def answer(request: Packet, cn: str, cp: str = "") -> str:
    """The platform's answer to *request* (HJ 212-2017 §6.1–6.2, 附录C 表C.1 ff.): ST=91, the request's QN, PW
    and MN echoed, Flag of the request's edition without A and D (附录C answers carry Flag=4 for 2017).

    ``cn`` is 9011 (QnRtn in *cp*), 9013 (notification answer) or 9014 (data answer, empty CP). A 2005-style
    request without Flag gets an answer without Flag.
    """
    flag = None if request.flag is None else edition_flag(request.edition)
    return build_segment(st=ST_SYSTEM, cn=cn, pw=request.pw, mn=request.mn, cp=cp, qn=request.qn, flag=flag)


def cp_text(values: dict[str, str] | list[tuple[str, str]], data_time: dt.datetime | None = None) -> str:
    """A CP area: ``DataTime=…;`` then ``code-Field=value`` joined by ``,`` within a code and ``;`` between codes
    (§6.3.3). *values* maps or lists ``"code-Field"`` to text, in the order to write."""
    groups: dict[str, list[str]] = {}
    for name, text in values.items() if isinstance(values, dict) else values:
        groups.setdefault(name.partition("-")[0], []).append(f"{name}={text}")
    items = [",".join(group) for group in groups.values()]
    if data_time is not None:
        items.insert(0, f"DataTime={format_time(data_time)}")
    return ";".join(items)


@dataclass(slots=True)
class _Group:
    first_seen: float
    parts: dict[int, Packet] = field(default_factory=dict)


@dataclass(slots=True)
class Reassembler:
    """Split packets (Flag bit D, ``PNUM``/``PNO``, HJ 212-2017 表3) put back together, without I/O.

    Parts are grouped by (MN, ST, CN, PNUM, DataTime); each part may carry its own QN (附录C 表C.47–C.50).
    :meth:`add` returns the whole packet (CP areas joined in PNO order, the parts kept) once every PNO from 1 to
    PNUM has arrived, else ``None``. A repeated PNO replaces the earlier part. :meth:`expire` drops groups older
    than *timeout* seconds and returns them, so the caller can log "split packet never completed"; at most
    *max_groups* groups are open (the oldest is dropped to make room, and returned by the next :meth:`expire`).
    """

    timeout: float = 120.0
    max_groups: int = 1000
    _open: dict[tuple[str, str, str, int, str], _Group] = field(default_factory=dict)
    _dropped: list[tuple[Packet, ...]] = field(default_factory=list)

    def add(self, part: Packet, now: float) -> tuple[Packet, tuple[Packet, ...]] | None:
        """Add one part; the reassembled packet and its parts when it completes the group."""
        if part.pnum is None or part.pno is None:
            raise HJ212Error("split", "not a part of a split packet (no PNUM/PNO)")
        key = (part.mn, part.st, part.cn, part.pnum, part.params.get("DataTime", ""))
        group = self._open.get(key)
        if group is None:
            while len(self._open) >= self.max_groups:
                self._dropped.append(tuple(self._open.pop(next(iter(self._open))).parts.values()))
            group = self._open[key] = _Group(first_seen=now)
        group.parts[part.pno] = part
        if len(group.parts) < part.pnum:
            return None
        del self._open[key]
        parts = tuple(group.parts[number] for number in sorted(group.parts))
        return _join(parts), parts

    def expire(self, now: float) -> list[tuple[Packet, ...]]:
        """Drop and return the groups first seen more than *timeout* seconds before *now*."""
        old = [key for key, group in self._open.items() if now - group.first_seen > self.timeout]
        gone, self._dropped = self._dropped, []
        return gone + [tuple(self._open.pop(key).parts.values()) for key in old]

    @property
    def pending(self) -> int:
        """Number of groups waiting for parts."""
        return len(self._open)


def _join(parts: tuple[Packet, ...]) -> Packet:
    first = parts[0]
    cps: list[str] = []
    for part in parts:
        body = ";".join(item for item in part.cp.split(";") if not item.startswith("DataTime=") or not cps)
        cps.append(body)
    cp = ";".join(text for text in cps if text)
    params, entries, flags = _split_cp(cp)
    flag = None if first.flag is None else first.flag & ~FLAG_SPLIT
    return Packet(
        st=first.st,
        cn=first.cn,
        pw=first.pw,
        mn=first.mn,
        cp=cp,
        qn=first.qn,
        flag=flag,
        params=params,
        entries=entries,
        flags=flags,
        data_time=first.data_time,
    )


def corrected_concentration(measured: float, o2_measured: float, o2_reference: float) -> float:
    """折算浓度: C_折 = C × (21 − O2_ref) / (21 − O2_measured), dry basis, O2 in % (HJ 212-2017 附录D, the 折算
    formula with a reference oxygen content; HJ 75-2017 gives the same, pack §3).

    Raises :class:`ValueError` when the measured O2 is 21 % or more (no combustion gas: the ratio is undefined).
    """
    if o2_measured >= 21.0:
        raise ValueError(f"measured O2 {o2_measured} % leaves no combustion gas to correct (附录D)")
    return measured * (21.0 - o2_reference) / (21.0 - o2_measured)
