"""The official form of a generated document (GB/T 9704-2012): 版头 (masthead, 期号, 签发人) and 版记.

What a bureau writes on its documents is configuration (``settings.REPORTS``, from ``MEILI_REPORT_*``), and a
report request may set the issue number and signer for one document. The issue date of a monthly bulletin is
a day of the following month (``MEILI_BULLETIN_ISSUE_DAY``, default the 10th), not the day the file was
generated; the generation time stays in the document's metadata.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings

from meili.reports.builders.common import chinese_date


@dataclass(frozen=True)
class Letterhead:
    masthead: str  # 发文机关标志 / the bulletin's name, printed in red (GB/T 9704 §7.2.1)
    issue: str  # 期号, e.g. 2019年第9期
    issuer: str  # 署名 and 发文机关
    date: str  # 成文日期 in Chinese
    signer: str = ""  # 签发人 (GB/T 9704 §7.2.4), omitted when empty
    copy_to: str = ""  # 抄送 of the 版记 (§7.4.2)
    printer: str = ""  # 印发机关 of the 版记 (§7.4.3)

    def as_dict(self) -> dict:
        return asdict(self)


def issuer_for(region: str) -> str:
    return str(settings.REPORTS["issuer"]) or f"{region}生态环境局"


def bulletin_issue_date(year: int, month: int) -> dt.date:
    """The day a monthly bulletin of *year*-*month* is issued: the configured day of the following month."""
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(int(str(settings.REPORTS["bulletin_issue_day"])), calendar.monthrange(y, m)[1])
    return dt.date(y, m, day)


def make(
    masthead: str,
    issue: str,
    region: str,
    date: dt.date,
    parameters: dict | None = None,
    issuer: str | None = None,
) -> Letterhead:
    """The letterhead of one document: configuration, overridden by the request's ``issue_no`` and ``signer``;
    *issuer* names another body than the configured one (e.g. the heavy-pollution command office of a notice)."""
    parameters = parameters or {}
    conf = settings.REPORTS
    issuer = issuer or issuer_for(region)
    return Letterhead(
        masthead=masthead,
        issue=parameters.get("issue_no") or issue,
        issuer=issuer,
        date=chinese_date(date),
        signer=str(parameters.get("signer") or conf["signer"]),
        copy_to=str(conf["copy_to"]),
        printer=str(conf["printer"]) or (issuer if issuer.endswith("办公室") else f"{issuer}办公室"),
    )
