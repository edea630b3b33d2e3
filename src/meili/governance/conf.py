"""The governance settings with their defaults: clocks, duplicate window, public throttling, uploads.

Every number is a setting (``settings.GOVERNANCE``, read from the environment in
``meili.config.settings``) because the rules change and local practice differs; ``docs/cases.md``
names the rule each default comes from.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict = {
    # Decide acceptance and tell the reporter within 15 days (信访工作条例 2022; 信访条例 2005 art. 22).
    "accept": {"days": 15, "working": False},
    # Finish within 60 days of acceptance (信访工作条例 2022; 信访条例 2005 art. 33) ...
    "finish": {"days": 60, "working": False},
    # Cases transferred by an inspection team (督察组转办件): feedback usually within 7 days (practice of
    # the central and provincial inspections; set per batch if the transfer letter says otherwise).
    "inspection": {"days": 7, "working": False},
    # ... extendable by at most 30 days with the approval of the agency's head.
    "extension_max_days": 30,
    # The assigned unit's deadline for its findings (local practice, not statutory): working days.
    "unit": {"days": 15, "working": True},
    # 复查 may be asked within 30 days of the written answer (信访条例 2005 art. 34; same in 2022).
    "review_request": {"days": 30, "working": False},
    # Follow-up (回访) after closing (local practice).
    "followup": {"days": 10, "working": True},
    # A calendar-day period ending on a rest day ends on the next workday (民法典 第二百零三条).
    "roll_to_workday": True,
    # Lists of cases due soon: this many days ahead.
    "due_soon_days": 3,
    # Duplicates: same kind and place within this many days and metres.
    "duplicate_window_days": 30,
    "duplicate_radius_m": 500,
    # Ledger items at risk: deadline within this many days and progress below this percentage.
    "ledger_risk_days": 30,
    "ledger_risk_progress": 80,
    # Public submission: at most this many per address per window (seconds); status look-ups likewise.
    "public_submit_limit": 5,
    "public_submit_window": 3600,
    "public_lookup_limit": 30,
    "public_lookup_window": 600,
    # Uploads: size per file, number of files, allowed types.
    "upload_max_bytes": 5 * 1024 * 1024,
    "upload_max_files": 5,
}


def parse_clock(value) -> dict:
    """A clock rule from a setting: ``{"days": 15, "working": False}``, ``"15"`` or ``"15w"`` (working days)."""
    if isinstance(value, dict):
        return {"days": int(value["days"]), "working": bool(value.get("working", False))}
    text = str(value).strip().lower()
    working = text.endswith("w")
    days = int(text.rstrip("w"))
    if days < 0:
        raise ValueError(f"a clock cannot be negative: {value!r}")
    return {"days": days, "working": working}


def get(name: str):
    """The governance setting *name* (``settings.GOVERNANCE`` over :data:`DEFAULTS`)."""
    overrides = getattr(settings, "GOVERNANCE", {}) or {}
    value = overrides.get(name, DEFAULTS[name])
    if isinstance(DEFAULTS[name], dict):
        return parse_clock(value)
    return value
