"""A period still open: the direction report and the overview open with the outlook."""

import html
import re

import pandas as pd

from kpilib.cli import main
from kpilib.core.periods import period_of
from kpilib.core.workdays import milan_today
from tests.helpers import write_catalog


def test_an_open_period_shows_first_which_targets_are_already_compromised(tmp_path):
    today = milan_today()
    semester = period_of(today, "semester")  # the semester of the run: still open
    root = tmp_path / "root"
    write_catalog(
        root,
        "DIREZIONE CULTURA\t-\tUFFICIO MOSTRE\tPRESTITI\tPERCENTUALE DI PRESTITI EVASI SU BASE MENSILE\t≥90%",
        "DIREZIONE CULTURA\t-\tUFFICIO MOSTRE\tVISITE\tPERCENTUALE DI VISITE SODDISFATTE SU BASE MENSILE\t≥80%",
    )
    assert main(["catalog", "--root", str(root)]) == 0
    ids = pd.read_csv(root / "data" / "processed" / "indicators.csv").set_index("process")["indicator_id"]
    months = [m for m in semester.split("month") if m.start <= today]
    lines = ["indicatore;periodo;valore"]
    for number, month in enumerate(months):
        lines.append(f"{ids['PRESTITI']};{month};{70 if number == 0 else 95}")  # the first month missed
        lines.append(f"{ids['VISITE']};{month};{92 + number % 3}")
    folder = root / "data" / "raw" / "measurements"
    folder.mkdir(parents=True)
    (folder / "misure.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["run", "--root", str(root), "--period", str(semester)]) == 0
    outlook = pd.read_csv(root / "data" / "processed" / "outlook.csv").set_index("indicator_id")
    assert outlook.loc[ids["PRESTITI"], "outlook"] == "compromesso"
    assert outlook.loc[ids["VISITE"], "outlook"] in {"in linea", "a rischio"}
    for page in ("direzione-cultura.html", "overview.html"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", (root / "reports" / str(semester) / page).read_text("utf-8")))
        text = " ".join(text.split())
        assert f"Previsione: {semester.label_it()} non è ancora concluso" in text, page
        first = text.index("Previsione:")
        after = "Da fare per primo" if page.startswith("direzione") else "Quota degli indicatori con esito noto"
        assert first < text.index(after), page
        assert f"{months[0].label_it()} non ha raggiunto il target" in text
