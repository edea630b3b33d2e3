"""The carbon block of the enterprise page (一企一档): the unit's key-emitter entry, its yearly reported and
verified emissions and the verification status, read from the stored reports."""

from __future__ import annotations

from meili.accounts.permissions import Action, can


def enterprise_panel(request, enterprise) -> tuple[str, dict] | None:
    """``(template, context)`` for the enterprise page (``meili.sources.panels``); ``None`` if not a key emitter."""
    from meili.carbon import services

    if not can(request.user, Action.VIEW_SOURCES):
        return None
    emitter = services.emitter_of(enterprise)
    if emitter is None:
        return None
    return "carbon/_enterprise_panel.html", {"emitter": emitter, "reports": list(emitter.reports.order_by("-year"))}
