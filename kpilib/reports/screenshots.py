"""``make screenshots``: each rendered page of the latest period as a PNG, the whole page, as a reviewer sees it.

Headless Chromium shoots the page in a window taller than any report, then the blank band
below the content is cut off, so the PNG is as long as the page itself.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

from .pdf import HOW_TO_GET_IT, browser, run_browser

WIDTH, TALLEST = 1400, 16000


def whole_page(page: Path, target: Path, executable: str) -> Path:
    """``page`` shot at full length into ``target`` (PNG)."""
    with tempfile.TemporaryDirectory(prefix="kpi-shot-") as scratch:
        shot = Path(scratch) / "shot.png"
        run_browser(
            executable,
            scratch,
            f"--window-size={WIDTH},{TALLEST}",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            page.resolve().as_uri(),
        )
        image = mpimg.imread(shot)
    content = np.flatnonzero((image[:, :, :3] < 0.98).any(axis=(1, 2)))
    bottom = int(content[-1]) + 24 if len(content) else image.shape[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    mpimg.imsave(target, image[: min(bottom, image.shape[0])])
    return target


def main(reports: Path) -> int:
    executable = browser()
    if executable is None:
        print(HOW_TO_GET_IT, file=sys.stderr)
        return 1
    periods = sorted(
        (p for p in reports.iterdir() if p.is_dir() and (p / "index.html").exists()), key=lambda p: p.stat().st_mtime
    )
    if not periods:
        print("no rendered period under reports/: run 'make reports' first", file=sys.stderr)
        return 1
    latest = periods[-1]
    for page in sorted(latest.glob("*.html")):
        print(whole_page(page, latest / "screenshots" / f"{page.stem}.png", executable))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("reports")))
