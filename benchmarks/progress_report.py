"""Benchmark: the yearly progress report — built in process, as the reports page builds it (the user waits on the
page, not on a process start): the document's data, Word, Excel each, the PDF conversion separately; then
``meili report progress --year Y -o p.docx --xlsx p.xlsx`` end to end as a command, beside the process-start
baseline.

Runs on the database of ``MEILI_VAR_DIR`` (load the demo there first for the figures in docs/benchmarks.md:
``meili demo load``); on an empty one it loads the packaged plan and reports on it (a quick run).

* In process: the first report of this process (``first``: the imports of python-docx, openpyxl and matplotlib,
  the font list, the plan's parse, every chart drawn) and the next ones of the same data (``again``: the
  charts kept by :mod:`meili.reports.charts`, what a second report of the same data on the page costs); the
  best of ``--runs`` for ``again``.
* The command: best of ``--runs``, its peak resident set; baseline in the same run: the start of a command
  that only sets Django up (interpreter, imports, settings), which any command pays.

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
    parser.add_argument(
        "--runs",
        type=int,
        default=2,
        help="timed runs of the command and of the in-process report again (best is reported)",
    )
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
    from meili.reports import render_xlsx, services

    stages: list[tuple[float, float, float]] = []
    for _ in range(1 + args.runs):
        t0 = time.perf_counter()
        document = services.build("progress", str(args.year), {"method": "escap"})
        t1 = time.perf_counter()
        files = services.render_files(document, pdf=False, xlsx=False)
        t2 = time.perf_counter()
        render_xlsx.render(document)
        stages.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
    for label, (build, word, excel) in (("first", stages[0]), ("again", min(stages[1:], key=sum))):
        print(
            f"in process, {label}: build {build:.2f} s, Word {word:.2f} s, Excel {excel:.2f} s; "
            f"Word + Excel {build + word + excel:.2f} s"
        )
    if args.pdf:
        from meili.reports.pdf import docx_to_pdf

        t0 = time.perf_counter()
        docx_to_pdf(files["docx"])
        print(f"PDF conversion (LibreOffice) {time.perf_counter() - t0:.2f} s")
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


if __name__ == "__main__":
    main()
