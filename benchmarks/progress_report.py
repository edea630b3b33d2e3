"""Benchmark: the yearly progress report as a user writes it — ``meili report progress --year Y -o p.docx --xlsx
p.xlsx`` end to end (process start, imports, the document's data, Word, Excel) — and the PDF conversion
separately (``--pdf``, LibreOffice).

Runs on the database of ``MEILI_VAR_DIR`` (load the demo there first for the figures in docs/benchmarks.md:
``meili demo load``); on an empty one it loads the packaged plan and reports on it (a quick run). Baseline in
the same run: the start of a command that only sets Django up (``meili check``'s floor: interpreter, imports,
settings), which any command pays. In-process stage times (build, Word, Excel, PDF) are printed too. Peak
memory: the command's peak resident set.

    MEILI_VAR_DIR=/tmp/demo python benchmarks/progress_report.py --year 2025
    MEILI_VAR_DIR=/tmp/demo python benchmarks/progress_report.py --year 2025 --pdf
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meili.config.settings")
os.environ.setdefault("MEILI_LOG_LEVEL", "WARNING")


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of *command* run as a child process."""
    t0 = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=2, help="timed runs of each command (best is reported)")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF conversion (needs LibreOffice)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from meili.progress.models import PlanVersion

    if not PlanVersion.objects.filter(is_current=True).exists():
        from meili.progress.plans import load_packaged_plan

        load_packaged_plan()
    python = sys.executable
    floor_code = "import django; django.setup()"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        command = [python, "-m", "meili", "report", "progress", "--year", str(args.year)]
        command += ["-o", str(out / "p.docx"), "--xlsx", str(out / "p.xlsx")]
        floors, reports = [], []
        peak = 0.0
        for _ in range(args.runs):
            floors.append(_timed([python, "-c", floor_code])[0])
            wall, peak = _timed(command)
            reports.append(wall)
        floor, report = min(floors), min(reports)
        print(
            f"meili report progress --year {args.year} (Word + Excel): {report:.2f} s (best of {args.runs}); "
            f"baseline: process start with Django set up {floor:.2f} s; report ÷ start = {report / floor:.1f}; "
            f"peak RSS {peak:,.0f} MB; load {os.getloadavg()[0]:.2f}"
        )
    from meili.reports import services

    t0 = time.perf_counter()
    document = services.build("progress", str(args.year), {"method": "escap"})
    t1 = time.perf_counter()
    files = services.render_files(document, pdf=False, xlsx=False)
    t2 = time.perf_counter()
    from meili.reports import render_xlsx

    render_xlsx.render(document)
    t3 = time.perf_counter()
    stages = f"in process: build {t1 - t0:.2f} s, Word {t2 - t1:.2f} s, Excel {t3 - t2:.2f} s"
    if args.pdf:
        from meili.reports.pdf import docx_to_pdf

        docx_to_pdf(files["docx"])
        stages += f", PDF conversion {time.perf_counter() - t3:.2f} s"
    print(stages)


if __name__ == "__main__":
    main()
