"""Panels other apps add to the enterprise page (live values, alarms, credit…) without this app importing them.

An app registers, in its ``AppConfig.ready``, a function ``panel(request, enterprise)`` returning
``(template_name, context)`` or ``None``; the enterprise page renders each returned panel in the block
"在线监测" (``data-testid="enterprise-panels"``). The online-monitoring app (``meili.online``) is the
first intended user; until an app registers, the block says that no online data is connected.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[..., tuple[str, dict] | None]

_PANELS: list[Panel] = []


def register_enterprise_panel(panel: Panel) -> Panel:
    """Add *panel* to the enterprise page (usable as a decorator; registering twice has no effect)."""
    if panel not in _PANELS:
        _PANELS.append(panel)
    return panel


def enterprise_panels(request, enterprise) -> list[tuple[str, dict]]:
    """The panels to render for *enterprise*, in registration order."""
    out = []
    for panel in _PANELS:
        result = panel(request, enterprise)
        if result is not None:
            out.append(result)
    return out
