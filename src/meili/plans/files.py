"""Finding the plan files shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml


def packaged_plan_path(code: str) -> Path:
    """The path of the packaged plan file ``data/<code>.yaml``."""
    path = Path(str(resources.files("meili.plans") / "data" / f"{code}.yaml"))
    if not path.exists():
        raise FileNotFoundError(f"no packaged plan {code!r} (looked for {path.name})")
    return path


def packaged_plan_units(code: str) -> list[dict]:
    """The ``units`` records of a packaged plan."""
    return yaml.safe_load(packaged_plan_path(code).read_text(encoding="utf-8"))["units"]
