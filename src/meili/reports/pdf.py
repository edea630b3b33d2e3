"""PDF copies of .docx reports, converted by LibreOffice (``soffice --headless``, Debian's libreoffice-writer).

Each conversion uses its own throw-away LibreOffice profile, so conversions may run side by side.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed or the conversion failed."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF rendering of *docx* (bytes in, bytes out)."""
    program = soffice()
    if program is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed; `make system-packages` installs it")
    with tempfile.TemporaryDirectory(prefix="meili-pdf-") as tmp:
        work = Path(tmp)
        source = work / "report.docx"
        source.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            result = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env={**os.environ, "HOME": tmp}
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(f"LibreOffice did not finish within {TIMEOUT_S} s") from exc
        target = work / "report.pdf"
        if result.returncode != 0 or not target.exists():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise PdfUnavailable(f"LibreOffice conversion failed: {detail[-1] if detail else result.returncode}")
        return target.read_bytes()
