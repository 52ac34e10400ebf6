"""PDF beside each rendered page, printed by headless Chromium as a reader's browser would print it.

The pages carry their own print rules (A4 landscape, every table column on the page, no
chart split across pages; ``templates/kpi``). Chromium is Debian's ``chromium``; where it is
not installed, :func:`print_pdfs` says so and how to get it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.writes import write_one

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# Headless, and quiet on a closed network: no first-run, sync, updates or background connections.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
HOW_TO_GET_IT = "Chromium is not installed: on Debian or Ubuntu, 'apt-get install chromium', then run again with --pdf"


def browser() -> str | None:
    """The Chromium this machine has, or ``None``."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def run_browser(executable: str, scratch: str, *arguments: str, timeout: int = 180) -> None:
    """Headless Chromium with a fresh profile in ``scratch`` and the quiet flags, on ``arguments``."""
    command = [executable, *FLAGS, f"--user-data-dir={scratch}/profile", *arguments]
    subprocess.run(command, capture_output=True, timeout=timeout, check=False)


def print_pdf(page: Path, executable: str, timeout: int = 180) -> Path:
    """``page`` (an HTML file) printed to ``page`` with ``.pdf``, written atomically; returns the PDF's path."""
    target = page.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="kpi-pdf-") as scratch:
        printed = Path(scratch) / "page.pdf"
        run_browser(executable, scratch, f"--print-to-pdf={printed}", page.resolve().as_uri(), timeout=timeout)
        if not printed.is_file() or printed.stat().st_size == 0:
            raise RuntimeError(f"{page.name}: Chromium wrote no PDF")
        write_one(target, printed.read_bytes())
    return target


def print_pdfs(pages: list[Path]) -> tuple[list[Path], list[str]]:
    """Every page printed to PDF: the PDFs written, and what went wrong (one line each)."""
    executable = browser()
    if executable is None:
        return [], [HOW_TO_GET_IT]
    written, problems = [], []
    for page in pages:
        try:
            written.append(print_pdf(page, executable))
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            problems.append(f"{page.name}: PDF not written ({error})")
    return written, problems
