"""The illustrative example data shipped in ``data/raw/`` (``python -m kpilib.examples``).

Deterministic (fixed seed): the same code writes the same files. The values are made up
to look like an office's deliveries, so that the analysis has something to find: misses,
a slow drift (governance lead time), one special-cause spike (guided visits, October
2024), a target met by a wide margin every period (materials), ratios with varying
volumes, and two bad rows in the 2025 delivery. Case-based indicators are reported as
values for 2023-2024 and come from case records in 2025.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook, load_workbook

from .catalog.aliases import FILE_NAME as ALIASES_FILE
from .catalog.catalog import catalog_sources
from .catalog.indicators import build_indicators
from .catalog.sources import CatalogRow, read_catalog_rows
from .catalog.versions import source_year
from .core.files import deterministic_xlsx
from .core.paths import Paths
from .core.periods import Period
from .core.text import collapse_whitespace, fold
from .core.vocabulary import Unit, is_missing
from .core.workdays import add_working_days
from .core.writes import write_one

SEED = 20251231
YEARS = (2023, 2024, 2025)
CASE_YEAR = 2025

# Which profile each seed indicator follows, found by words of its process (and sub-indicator).
PROFILES = {
    "BENEMERENZE": "max_days_cases",
    "CORRISPONDENZA": "percentile_days_cases",
    "CONTRIBUTI": "share_days_cases",
    "PREMIO MARRA": "theses_marra",
    "PREMIO AMBROSOLI": "theses_ambrosoli",
    "ASSEMBLEE": "drifting_days",
    "VISITE GUIDATE": "visits_with_spike",
    "ALLESTIMENTO": "materials_easy",
    "DEFINIZIONE CAMPAGNE": "annual_share",
    "MEDIA TABELLARI": "annual_share",
    "REDAZIONI DECENTRATE": "share_working_days_cases",
    "SITI TEMATICI": "annual_share",
    "NEWSLETTER": "newsletter_cases",
    "CONTENUTI SUL PORTALE": "documents_semester",
    "INTRANET": "news_semester_cases",
}
CASE_PROFILES = {
    "max_days_cases",
    "percentile_days_cases",
    "share_days_cases",
    "share_working_days_cases",
    "newsletter_cases",
    "news_semester_cases",
}


def profile_of(indicator: dict) -> str:
    text = f"{indicator['process']} {indicator['sub_indicator']}"
    matches = [profile for words, profile in PROFILES.items() if words in text]
    return matches[-1]


def _months(years) -> list[Period]:
    return [Period(year, "month", month) for year in years for month in range(1, 13)]


def _semesters(years) -> list[Period]:
    return [Period(year, "semester", half) for year in years for half in (1, 2)]


def reported_values(indicators: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Every reported measurement, 2023-2025 (2023-2024 only for case-based indicators)."""
    rows = []
    for indicator in indicators.to_dict("records"):
        profile = profile_of(indicator)
        years = YEARS[:-1] if profile in CASE_PROFILES else YEARS
        rows.extend(_reported(profile, indicator["indicator_id"], years, rng))
    return pd.DataFrame(rows)


def _ratio(rng, period, indicator_id, volume, probability, note=""):
    denominator = int(rng.poisson(volume)) + 3
    numerator = int(rng.binomial(denominator, probability))
    return {
        "indicator_id": indicator_id,
        "period": period,
        "value": None,
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
    }


def _value(indicator_id, period, value, note=""):
    return {
        "indicator_id": indicator_id,
        "period": period,
        "value": value,
        "numerator": None,
        "denominator": None,
        "note": note,
    }


def _reported(profile: str, indicator_id: str, years, rng) -> list[dict]:
    months, semesters = _months(years), _semesters(years)
    if profile == "max_days_cases":
        return [_value(indicator_id, p, int(rng.normal(41, 6))) for p in months]
    if profile == "percentile_days_cases":
        return [_value(indicator_id, p, int(rng.normal(19, 3))) for p in months]
    if profile in ("share_days_cases", "share_working_days_cases"):
        probability = 0.92 if profile == "share_days_cases" else 0.82
        return [_ratio(rng, p, indicator_id, rng.uniform(8, 40), probability) for p in months]
    if profile == "newsletter_cases":
        return [_value(indicator_id, p, int(rng.poisson(12.5))) for p in months]
    if profile == "news_semester_cases":
        return [_ratio(rng, p, indicator_id, 220, 0.93) for p in semesters]
    if profile == "theses_marra":
        return [_value(indicator_id, p, int(rng.poisson(14))) for p in semesters]
    if profile == "theses_ambrosoli":
        return [_value(indicator_id, p, int(rng.poisson(10))) for p in semesters]
    if profile == "drifting_days":
        return [
            _value(indicator_id, p, round(float(8.0 + 0.15 * i + rng.normal(0, 0.7)), 1))
            for i, p in enumerate(months, start=_months(YEARS).index(months[0]))
        ]
    if profile == "visits_with_spike":
        rows = []
        for p in months:
            if str(p) == "2024-10":
                rows.append(
                    {**_ratio(rng, p, indicator_id, 60, 0.35), "note": "chiusura straordinaria per lavori in sala"}
                )
            else:
                rows.append(_ratio(rng, p, indicator_id, 60, 0.79))
        return rows
    if profile == "materials_easy":
        return [_ratio(rng, p, indicator_id, 120, 0.995) for p in months]
    if profile == "annual_share":
        return [_ratio(rng, Period(year, "year"), indicator_id, 45, 0.86) for year in years]
    if profile == "documents_semester":
        return [_value(indicator_id, p, int(rng.normal(66, 5))) for p in semesters]
    raise ValueError(profile)


def case_records(indicators: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Case records for 2025 for the case-based indicators, with a few still open."""
    frames = []
    for indicator in indicators.to_dict("records"):
        profile = profile_of(indicator)
        if profile in CASE_PROFILES:
            frames.append(_cases(profile, indicator["indicator_id"], rng))
    cases = pd.concat(frames, ignore_index=True)
    return cases.sort_values(["indicator_id", "opened", "case_id"], kind="stable").reset_index(drop=True)


def _cases(profile: str, indicator_id: str, rng) -> pd.DataFrame:
    start = dt.date(CASE_YEAR, 1, 1)
    days_in_year = 365
    volume = {
        "max_days_cases": 110,
        "percentile_days_cases": 900,
        "share_days_cases": 260,
        "share_working_days_cases": 420,
        "newsletter_cases": 150,
        "news_semester_cases": 460,
    }[profile]
    count = int(rng.poisson(volume))
    opened = sorted(start + dt.timedelta(days=int(d)) for d in rng.integers(0, days_in_year, count))
    rows = []
    for number, day in enumerate(opened, start=1):
        if profile == "share_working_days_cases":
            closed = add_working_days(
                day, int(rng.choice([0, 1, 2, 3, 3, 4, 5], p=[0.1, 0.3, 0.2, 0.2, 0.1, 0.06, 0.04]))
            )
        elif profile == "news_semester_cases":
            closed = day + dt.timedelta(days=int(rng.choice([0, 1, 2], p=[0.55, 0.37, 0.08])))
        elif profile == "share_days_cases":
            closed = day + dt.timedelta(days=int(rng.gamma(4, 2.6)))
        elif profile == "percentile_days_cases":
            closed = day + dt.timedelta(days=int(rng.gamma(3, 4.5)))
        elif profile == "max_days_cases":
            closed = day + dt.timedelta(days=int(rng.normal(34, 7)))
        else:  # a newsletter is opened and sent the same day
            closed = day
        rows.append(
            {
                "indicator_id": indicator_id,
                "case_id": f"{profile[:3].upper()}-{CASE_YEAR}-{number:05d}",
                "opened": day,
                "closed": closed,
            }
        )
    frame = pd.DataFrame(rows)
    as_of = dt.date(CASE_YEAR, 12, 31)
    frame["closed"] = frame["closed"].where(frame["closed"] <= as_of, None)
    return frame


def _reported_csv(frame: pd.DataFrame, italian: bool) -> bytes:
    out = frame.copy()
    out["period"] = [p.label_it() if italian else str(p) for p in out["period"]]
    for column in ("value", "numerator", "denominator"):
        out[column] = out[column].map(lambda v: "" if is_missing(v) else f"{v:g}")
    if italian:
        out["value"] = out["value"].str.replace(".", ",", regex=False)
        out = out.rename(
            columns={
                "indicator_id": "indicatore",
                "period": "periodo",
                "value": "valore",
                "numerator": "numeratore",
                "denominator": "denominatore",
            }
        )
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, sep=";" if italian else ",", lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8")


def _reported_xlsx(frame: pd.DataFrame, indicators: pd.DataFrame) -> bytes:
    """The 2024 delivery as filled templates: one «Misure» sheet, percentages as Excel percent cells."""
    units = indicators.set_index("indicator_id")["target_unit"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Misure"
    sheet.append(["indicatore", "periodo", "valore", "numeratore", "denominatore", "note"])
    for row in frame.to_dict("records"):
        value = row["value"]
        sheet.append(
            [row["indicator_id"], str(row["period"]), value, row["numerator"], row["denominator"], row["note"]]
        )
        if value is not None and units[row["indicator_id"]] == Unit.PERCENT:
            cell = sheet.cell(row=sheet.max_row, column=3)
            cell.value, cell.number_format = value / 100, "0.0%"
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:2]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return deterministic_xlsx(buffer.getvalue())


BAD_ROWS_2025 = [
    # A typing slip in the period and a numerator above its denominator: rejected, with a reason.
    ("drifting_days", "settembre2025", "11.2", "", "", ""),
    ("materials_easy", "2025-12", "", "131", "130", "conteggio da ricontrollare"),
]


# The second, dated version of the table: from 2025 the materials target (met by a wide
# margin every period) is raised, and the guided-visits office is renamed; aliases.csv
# keeps the visits series under one id across the rename.
RAISED = ("ALLESTIMENTO", "95%", "98%")
RENAMED = ("UFFICIO VALORIZZAZIONE", "UFFICIO VALORIZZAZIONE E VISITE DI PALAZZO MARINO")
VERSION_YEAR = 2025


def published_rows(paths: Paths) -> list[CatalogRow]:
    """The rows of the published (undated) table: what the example data is made from."""
    sources = [s for s in catalog_sources(paths.catalog_dir) if source_year(s, paths.catalog_dir) is None]
    return [row for source in sources for row in read_catalog_rows(source, source.name)]


def _version_csv(rows: list[CatalogRow]) -> bytes:
    """The published table as the office would republish it for 2025, saved by Italian Excel (``;``)."""
    lines = [";".join(["DIREZIONE", "AREA", "UNITÀ/UFFICIO", "TITOLO PROCESSO", "INDICATORE", "TARGET OBIETTIVO"])]
    for row in rows:
        cells = [collapse_whitespace(cell) for cell in row.fields]
        if RAISED[0] in cells[3] and cells[5] == RAISED[1]:
            cells[5] = RAISED[2]
        if cells[2] == RENAMED[0]:
            cells[2] = RENAMED[1]
        lines.append(
            ";".join('"' + cell.replace('"', '""') + '"' if ";" in cell or '"' in cell else cell for cell in cells)
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _aliases_csv() -> bytes:
    return f"vecchio;nuovo\r\n{RENAMED[0]};{RENAMED[1]}\r\n".encode()


def write_examples(paths: Paths) -> list[Path]:
    """Write every example file under ``paths.raw``; returns the files written."""
    rows = published_rows(paths)
    indicators, _, _ = build_indicators(rows, {fold(RENAMED[0]): RENAMED[1]})
    rng = np.random.default_rng(SEED)
    reported = reported_values(indicators, rng)
    by_year = {year: reported[[p.year == year for p in reported["period"]]] for year in YEARS}
    ids = {profile_of(i): i["indicator_id"] for i in indicators.to_dict("records")}

    written = []
    target = paths.catalog_dir / f"ESEMPIO_catalogo_{VERSION_YEAR}.csv"
    write_one(target, _version_csv(rows))
    written.append(target)
    target = paths.catalog_dir / ALIASES_FILE
    write_one(target, _aliases_csv())
    written.append(target)
    target = paths.measurements_dir / "ESEMPIO_misure_2023.csv"
    write_one(target, _reported_csv(by_year[2023], italian=True))
    written.append(target)
    target = paths.measurements_dir / "ESEMPIO_misure_2024.xlsx"
    write_one(target, _reported_xlsx(by_year[2024], indicators))
    written.append(target)
    text = _reported_csv(by_year[2025], italian=False).decode("utf-8")
    for profile, period, value, numerator, denominator, note in BAD_ROWS_2025:
        text += f"{ids[profile]},{period},{value},{numerator},{denominator},{note}\r\n"
    target = paths.measurements_dir / "ESEMPIO_misure_2025.csv"
    write_one(target, text.encode("utf-8"))
    written.append(target)

    target = paths.raw / "nonconformities" / "ESEMPIO_registro_non_conformita.csv"
    write_one(target, _register_csv(reported, ids))
    written.append(target)

    cases = case_records(indicators, rng)
    protocol = cases["indicator_id"].isin(
        [ids["max_days_cases"], ids["percentile_days_cases"], ids["share_days_cases"]]
    )
    target = paths.events_dir / "ESEMPIO_casi_protocollo_2025.csv"
    csv_text = cases[protocol].to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    write_one(target, csv_text.encode("utf-8"))
    written.append(target)
    target = paths.changes_dir / "ESEMPIO_cambi_processo.csv"
    write_one(target, _changes_csv(ids))
    written.append(target)
    target = paths.events_dir / "ESEMPIO_casi_redazione_2025.parquet"
    write_one(target, _parquet_bytes(cases[~protocol]))
    written.append(target)
    for name, lines in REVIEW_EXAMPLES.items():
        target = paths.review_dir / f"ESEMPIO_{name}.csv"
        write_one(target, ("\r\n".join(lines) + "\r\n").encode("utf-8"))
        written.append(target)
    return written


# The management review's registers as the quality office keeps them: the 2024 review's decisions
# (the 2025 review reports how they stand), and what the year brought that no indicator measures.
REVIEW_EXAMPLES = {
    "decisioni": [
        "anno;decisione;tipo;responsabile;scadenza;stato;esito",
        "2024;Attivare la prenotazione online delle visite guidate a Palazzo Marino;miglioramento;"
        "Ufficio Valorizzazione;31/03/2025;completata;prenotazione online attiva da gennaio 2025",
        "2024;Formare il personale dell'Unità Governance sull'istruttoria degli atti assembleari;risorse;"
        "Unità Governance;30/06/2025;in corso;svolto 1 corso su 2",
        "2024;Riesaminare i target degli indicatori invariati da più di tre anni;modifica;Ufficio Qualità;"
        "31/12/2025;aperta;",
    ],
    "contesto": [
        "anno;tipo;questione;cambiamento;effetto",
        "2025;esterno;Accessibilità dei documenti pubblicati;nuove linee guida AgID (WCAG 2.1 AA anche per i PDF);"
        "i rapporti pubblicati devono essere accessibili",
        "2025;interno;Organizzazione della Direzione;due unità accorpate nell'Area Comunicazione;"
        "indicatori da riassegnare ai nuovi uffici",
    ],
    "soddisfazione": [
        "anno;indagine;ambito;risultato;campione;note",
        "2024;Questionario di soddisfazione visite guidate (% soddisfatti);Palazzo Marino;91;420;",
        "2025;Questionario di soddisfazione visite guidate (% soddisfatti);Palazzo Marino;93;515;"
        "più risposte con la prenotazione online",
        "2025;Reclami ricevuti dall'URP;Relazioni con i cittadini;38;38;tempi di risposta il motivo più frequente",
    ],
    "audit": [
        "anno;data;tipo;ambito;constatazione;classificazione;stato",
        "2025;14/05/2025;interno;Unità Relazioni con i cittadini;data di chiusura non registrata su 12 pratiche del "
        "protocollo;non conformità minore;chiusa",
        "2025;20/10/2025;certificazione;Sistema di gestione per la qualità;target di alcuni indicatori non riesaminati "
        "da più anni;osservazione;aperta",
    ],
    "fornitori": [
        "anno;fornitore;servizio;valutazione;esito;note",
        "2025;Piattaforma di invio newsletter;invio delle newsletter istituzionali;4 su 5;adeguato;",
        "2025;Manutenzione allestimenti;allestimento degli spazi di Palazzo Marino;3 su 5;da migliorare;"
        "ritardi in 2 allestimenti",
    ],
    "risorse": [
        "anno;risorsa;valutazione;note",
        "2025;Personale dell'Unità Governance;da potenziare;2 posti vacanti per tutto l'anno",
        "2025;Sistema di protocollo;adeguata;",
    ],
    "rischi": [
        "anno;tipo;descrizione;azione;efficacia;note",
        "2025;rischio;Perdita di dati dei prestiti durante la migrazione del sistema;backup giornaliero e doppio "
        "inserimento per un mese;efficace;nessun dato perso (settembre 2025 dichiarato non disponibile)",
        "2025;opportunità;Prenotazione online delle visite guidate;attivata da gennaio 2025;efficace;"
        "visite effettuate in crescita",
    ],
}


def _register_csv(reported: pd.DataFrame, ids: dict) -> bytes:
    """What the quality office recorded: the visits spike (since recovered) and the first
    governance miss (review date passed, not recovered). Other misses have no entry yet."""
    drifting = reported[reported["indicator_id"] == ids["drifting_days"]]
    # the drift of 2025: its first miss opens the nonconformity still open, with an action past its review date
    first_miss = next(
        p for p, v in zip(drifting["period"], drifting["value"], strict=True) if v > 12 and p.year == 2025
    )
    rows = [
        [
            ids["visits_with_spike"],
            "2024-10",
            "chiusura straordinaria delle sale per lavori",
            "visite spostate nella sala Alessi",
            "calendario di visite alternative nella sala Alessi",
            "Ufficio Valorizzazione",
            "31/01/2025",
            "efficace",
            "15/02/2025",
        ],
        [
            ids["drifting_days"],
            str(first_miss),
            "aumento delle assemblee con documentazione tardiva",
            "sollecito agli enti partecipati per i documenti mancanti",
            "revisione del flusso istruttorio con gli enti partecipati",
            "Unità Governance",
            "30/09/2025",
            "",
            "",
        ],
    ]
    lines = ["indicatore;periodo;causa;correzione;azione;responsabile;data_verifica;efficacia;verificata_il"]
    lines += [";".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _changes_csv(ids: dict) -> bytes:
    """One recorded process change: online booking of the guided visits from January 2025."""
    lines = [
        "indicatore;periodo;motivo",
        f"{ids['visits_with_spike']};gennaio 2025;prenotazione online delle visite guidate (nuova procedura)",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    table = pa.Table.from_pandas(
        frame.assign(opened=pd.to_datetime(frame["opened"]), closed=pd.to_datetime(frame["closed"])),
        preserve_index=False,
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def differences(shipped: Paths) -> list[str]:
    """Shipped example files that the generator no longer writes as they are (empty: all agree).

    The generator runs on the shipped catalog in a scratch root; workbooks are compared by
    cell values, Parquet files by their frames, everything else byte for byte.
    """
    with tempfile.TemporaryDirectory(prefix="kpi-examples-") as scratch:
        fresh = Paths.at(scratch)
        shutil.copytree(shipped.catalog_dir, fresh.catalog_dir)
        found = []
        for path in write_examples(fresh):
            relative = path.relative_to(fresh.raw)
            theirs = shipped.raw / relative
            if not theirs.exists():
                found.append(f"{relative}: not shipped")
            elif not _same_example(path, theirs):
                found.append(f"{relative}: differs from what the generator writes")
        return found


def _same_example(ours: Path, theirs: Path) -> bool:
    if ours.suffix == ".xlsx":
        cells = [[[c.value for c in row] for row in load_workbook(p)["Misure"].iter_rows()] for p in (ours, theirs)]
        return cells[0] == cells[1]
    if ours.suffix == ".parquet":
        return pd.read_parquet(ours).equals(pd.read_parquet(theirs))
    return ours.read_bytes() == theirs.read_bytes()


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        problems = differences(Paths.at())
        for problem in problems:
            print(f"examples: {problem} (run 'make examples')", file=sys.stderr)
        print(f"examples: {'out of date' if problems else 'the shipped files are what the generator writes'}")
        sys.exit(1 if problems else 0)
    for path in write_examples(Paths.at()):
        print(f"wrote {path}")
