"""WCAG 2.1 AA with axe-core in headless Chromium, on the pages reviewers read: a period's index, the
archive, the overview, a direction report and the management review pack (the committed notebooks,
exported as `kpi reports` exports them: the seed direction on the fixture root).

Needs Node.js, Chromium and axe-core with puppeteer-core in build/a11y (`make a11y-tools`, which
.ci/run calls); without them the test is skipped, saying which is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from kpilib.core.paths import REPOSITORY_ROOT
from kpilib.core.periods import Period

MODULES = REPOSITORY_ROOT / "build" / "a11y" / "node_modules"
SCRIPT = Path(__file__).parent.parent / "a11y" / "axe.cjs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = (
    "Node.js not installed"
    if not shutil.which("node")
    else "Chromium not installed (apt-get install chromium)"
    if not CHROMIUM
    else "axe-core and puppeteer-core not installed (make a11y-tools)"
    if not (MODULES / "axe-core").is_dir() or not (MODULES / "puppeteer-core").is_dir()
    else ""
)


@pytest.mark.skipif(bool(MISSING), reason=MISSING)
def test_no_wcag_2_1_aa_violation_on_the_index_the_archive_the_overview_a_direction_report_and_the_review(tmp_path):
    from kpilib.reports.reports import archive_page, html_exporter, index_page

    exporter = html_exporter()
    pages = []
    for name in ("direction_report", "overview", "review"):
        executed = nbformat.read(REPOSITORY_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        body, _ = exporter.from_notebook_node(executed, resources={"metadata": {"name": name}})
        page = tmp_path / "2025-S2" / f"{name}.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    listed = [
        {
            "slug": "overview",
            "title": "Panoramica dell'ente",
            "ok": True,
            "message": "",
            "figures": "9 raggiunti su 13",
        },
        {"slug": "direction_report", "title": "Direzione", "ok": False, "message": "KeyError", "figures": ""},
    ]
    (tmp_path / "2025-S2" / "index.html").write_text(index_page(Period(2025, "semester", 2), listed), encoding="utf-8")
    (tmp_path / "index.html").write_text(archive_page(tmp_path), encoding="utf-8")
    pages += [tmp_path / "2025-S2" / "index.html", tmp_path / "index.html"]
    result = subprocess.run(
        ["node", str(SCRIPT), *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NODE_PATH": str(MODULES), "CHROMIUM": CHROMIUM},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert sorted(found) == sorted(map(str, pages))
    assert {page: violations for page, violations in found.items() if violations} == {}


def test_no_table_of_the_reports_has_an_empty_header():
    """Every column header says what the column holds (axe's best practice empty-table-header)."""
    import re

    for name in ("direction_report", "overview", "review"):
        executed = nbformat.read(REPOSITORY_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        html = "".join(
            "".join(output.get("data", {}).get("text/html", ""))
            for cell in executed.cells
            for output in cell.get("outputs", [])
        )
        headers = re.findall(r"<th[^>]*col_heading[^>]*>(.*?)</th>", html, re.S)
        assert headers and all(re.sub(r"<[^>]+>|&nbsp;|\s", "", h) for h in headers), name
