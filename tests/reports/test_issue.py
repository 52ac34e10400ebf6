"""``kpi issue``: a draft frozen as revision 1, a correction, revision 2 beside an untouched revision 1."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from kpilib.cli import main
from kpilib.core.paths import REPOSITORY_ROOT
from tests.helpers import report_root

PAGES = ("overview", "direzione-cultura")


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def _state(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    region = text[text.index("<!--kpi-stato-->") : text.index("<!--/kpi-stato-->")]
    return " ".join(re.sub(r"<[^>]+>", " ", region).split())


@pytest.fixture(scope="module")
def issued_twice(tmp_path_factory):
    """Revision 1 of 2025-S2, a correction delivered, revision 2: the root and what each step printed."""
    root = report_root(tmp_path_factory.mktemp("issue") / "root", hostile=False)
    measurements = root / "data" / "raw" / "measurements"
    (measurements / "misure.csv").rename(measurements / "2025-12-20_misure.csv")
    assert main(["run", "--root", str(root)]) == 0
    steps = {}
    # the first issue with its PDFs where Chromium is installed, as a quality office runs it
    steps["first"] = main(["issue", "--root", str(root), "--period", "2025-S2", "--approved-by", "Dirigente Qualità",
                           "--note", "prima emissione"])  # fmt: skip
    assert main(["review", "--root", str(root), "--year", "2025"]) == 0
    steps["review"] = main(["issue", "--root", str(root), "--year", "2025", "--approved-by", "Direttore Generale",
                            "--no-pdf"])  # fmt: skip
    folder = root / "reports" / "2025-S2"
    steps["rev1"] = _digests(folder / "emesso" / "rapporti" / "rev-1")
    ids = pd.read_csv(root / "data" / "processed" / "indicators.csv").set_index("process")["indicator_id"]
    (measurements / "2026-01-20_rettifica.csv").write_text(
        f"indicatore;periodo;valore;note\n{ids['VISITE']};2025-11;9;conteggio rifatto sul registro\n", encoding="utf-8"
    )
    steps["stale"] = main(["issue", "--root", str(root), "--period", "2025-S2", "--approved-by", "X", "--no-pdf"])
    assert main(["run", "--root", str(root)]) == 0
    steps["draft"] = (folder / "direzione-cultura.html").read_text(encoding="utf-8")
    steps["second"] = main(["issue", "--root", str(root), "--period", "2025-S2", "--approved-by", "Dirigente Qualità",
                            "--approved-on", "2026-11-30", "--note", "correzione di novembre", "--no-pdf"])  # fmt: skip
    steps["again"] = main(["issue", "--root", str(root), "--period", "2025-S2", "--approved-by", "X", "--no-pdf"])
    return root, ids, steps


def test_issuing_freezes_the_draft_as_revision_1_stamped_and_read_only(issued_twice):
    root, _, steps = issued_twice
    assert steps["first"] == 0
    revision = root / "reports" / "2025-S2" / "emesso" / "rapporti" / "rev-1"
    record = json.loads((revision / "revisione.json").read_text(encoding="utf-8"))
    assert record["revision"] == 1 and record["approved_by"] == "Dirigente Qualità"
    assert record["note"] == "prima emissione" and len(record["fingerprint"]) == 64
    assert [p["slug"] for p in record["pages"]] == sorted(PAGES)
    for slug in PAGES:
        state = _state(revision / f"{slug}.html")
        assert "Emesso, revisione 1" in state and "Dirigente Qualità, il" in state, state
        assert "come calcolati alla data di emissione" in state  # signals as computed at issue
        assert "<!--kpi-stato-->" in (revision / f"{slug}.ipynb").read_text(encoding="utf-8")
        assert "Emesso, revisione 1" in (revision / f"{slug}.ipynb").read_text(encoding="utf-8")
        assert not (revision / f"{slug}.html").stat().st_mode & 0o222  # read-only
    page = (revision / "direzione-cultura.html").read_text(encoding="utf-8")
    links = re.findall(r"href=[\"']([^\"'#][^\"']*)[\"']", page)
    assert "../../../index.html" in links  # the period's index, three folders up
    for link in links:  # every link still reaches a page: the index, the archive, the indicators' records
        assert (revision / link).resolve().is_file(), link


def test_each_issued_page_has_its_pdf_where_chromium_is_installed(issued_twice):
    from kpilib.reports.pdf import browser

    root, _, _ = issued_twice
    revision = root / "reports" / "2025-S2" / "emesso" / "rapporti" / "rev-1"
    if browser() is None:
        pytest.skip("Chromium is not installed: the revision has no PDF to check (apt-get install chromium)")
    for slug in PAGES:
        pdf = revision / f"{slug}.pdf"
        assert pdf.read_bytes()[:5] == b"%PDF-", slug
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Emesso, revisione 1" in text


def test_the_management_review_is_issued_as_its_own_series(issued_twice):
    root, _, steps = issued_twice
    assert steps["review"] == 0
    revision = root / "reports" / "2025" / "emesso" / "riesame" / "rev-1"
    assert "Emesso, revisione 1" in _state(revision / "riesame.html")
    assert "Direttore Generale" in _state(revision / "riesame.html")
    assert [p.name for p in (root / "reports" / "2025" / "emesso").iterdir()] == ["riesame"]
    assert "Riesame rev. 1" in (root / "reports" / "2025" / "index.html").read_text(encoding="utf-8")


def test_a_draft_made_from_other_data_than_todays_is_not_issued(issued_twice):
    _, _, steps = issued_twice
    assert steps["stale"] == 2


def test_after_a_correction_the_draft_says_what_changed_and_why(issued_twice):
    _, _, steps = issued_twice
    draft = steps["draft"]
    assert "Modifiche rispetto alla revisione 1" in draft
    text = " ".join(re.sub(r"<[^>]+>", " ", draft).split())
    assert (
        "valore di novembre 2025 6 9 correzione (2025-11: data/raw/measurements/2026-01-20_rettifica.csv del 2026-01-20"
        in text
    )
    assert "Ultima revisione emessa: rev. 1 del" in text


def test_a_second_issue_makes_revision_2_beside_an_untouched_revision_1(issued_twice):
    root, _, steps = issued_twice
    folder = root / "reports" / "2025-S2"
    assert steps["second"] == 0
    assert _digests(folder / "emesso" / "rapporti" / "rev-1") == steps["rev1"]
    second = folder / "emesso" / "rapporti" / "rev-2"
    state = _state(second / "direzione-cultura.html")
    assert "Emesso, revisione 2" in state and "il 30/11/2026" in state
    assert "prima emissione" in state and "correzione di novembre" in state  # the revision table: both
    assert "Modifiche rispetto alla revisione 1" in (second / "direzione-cultura.html").read_text(encoding="utf-8")
    assert steps["again"] == 2  # same data, same code: nothing to issue
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "emesso/rapporti/rev-1/overview.html" in index and "emesso/rapporti/rev-2/overview.html" in index


def test_re_rendering_and_make_clean_leave_the_issued_revisions(issued_twice):
    root, _, _ = issued_twice
    issued = root / "reports" / "2025-S2" / "emesso"
    before = _digests(issued)
    assert main(["reports", "--root", str(root), "--period", "2025-S2"]) == 0
    subprocess.run(["make", "-s", "-f", str(REPOSITORY_ROOT / "Makefile"), "-C", str(root), "clean"], check=True)
    assert _digests(issued) == before and before
    assert not (root / "reports" / "2025-S2" / "overview.html").exists()  # the draft went, the records stayed
    assert not any((root / "data" / "processed").glob("*.csv"))


@pytest.mark.parametrize(
    "arguments, said",
    [
        (["--period", "2025-S2", "--year", "2025"], "not allowed with argument"),
        (["--year", "2025-S1"], "--year takes a year"),
        (["--period", "2024-S1"], "no page to issue"),
        (["--period", "2025-S2", "--approved-on", "1/12/2026"], "--approved-on takes a date"),
    ],
)
def test_unusable_arguments_are_one_plain_line(arguments, said, tmp_path, capsys):
    root = tmp_path / "root"
    root.mkdir()
    try:
        code = main(["issue", "--root", str(root), "--approved-by", "Dirigente", "--no-pdf", *arguments])
    except SystemExit as stop:  # argparse's own checks
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1, err
