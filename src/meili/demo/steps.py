"""The demo data of each capability, one function per step, in dependency order."""

from __future__ import annotations


def plan(remember) -> None:
    """The configured plan and its organisation (kept when the demo is removed: they are not demo data)."""
    from meili.progress.plans import load_packaged_plan

    load_packaged_plan()


def progress_values(remember) -> None:
    """Reported values 2023–2025 exercising every progress status."""
    from meili.progress import demo
    from meili.progress.plans import current_plan

    demo.load(current_plan(), remember)


def governance(remember) -> None:
    """Complaint cases in every state and a small rectification ledger."""
    from meili.governance.demo import load

    load(remember)


def monitoring(remember) -> None:
    """Two generated years (2024, 2025) of monitoring data for every medium (演示数据), through the import path."""
    from meili.monitoring.demo import load

    load(remember)


def sources(remember) -> None:
    """Weihai-like enterprises with permits, ports and limits, and outfalls under remediation (演示数据)."""
    from meili.sources.demo import load

    load(remember)


def reports(remember) -> None:
    """The progress assessment of the demo year, so the reports page has a report to download; its PDF is
    converted when first downloaded (LibreOffice took a tenth of the demo's load)."""
    from meili.progress.demo import ASSESSED
    from meili.reports.services import generate_for_demo

    remember(generate_for_demo("progress", str(ASSESSED), {"method": "escap"}, pdf=False))


def online(remember) -> None:
    """Online-monitoring devices on the demo ports, six hours of minute data, an exceedance and an outage."""
    from meili.online.demo import load

    load(remember)


def emergency(remember) -> None:
    """An approved emission-reduction list, a winter episode from forecast to lifting, two years of credit ratings."""
    from meili.emergency.demo import load

    load(remember)


def carbon(remember) -> None:
    """Two inventory editions (2020, 2022), GDP and target, key emitters and mariculture harvests (演示数据)."""
    from meili.carbon.demo import load

    load(remember)


STEPS = [plan, progress_values, monitoring, governance, sources, online, reports, emergency, carbon]
