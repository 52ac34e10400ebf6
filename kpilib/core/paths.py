"""Where everything lives, derived from one root folder.

Notebooks and commands never write ``../data``: they ask :class:`Paths`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ROOT_VARIABLE = "KPI_ROOT"


@dataclass(frozen=True)
class Paths:
    """Every folder and file of one project root (``--root``)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Paths:
        """The given root; without one, ``$KPI_ROOT`` when set (the tests' fixture root), else this repository."""
        chosen = root or os.environ.get(ROOT_VARIABLE)
        return cls(Path(chosen).resolve() if chosen else REPOSITORY_ROOT)

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def catalog_dir(self) -> Path:
        return self.raw / "catalog"

    @property
    def measurements_dir(self) -> Path:
        return self.raw / "measurements"

    @property
    def events_dir(self) -> Path:
        return self.raw / "events"

    @property
    def document_settings(self) -> Path:
        return self.raw / "documento.csv"

    @property
    def spc_settings(self) -> Path:
        """``data/raw/spc.csv``: screening and a fixed baseline for every analysis (:mod:`~kpilib.analysis.spc_options`)."""
        return self.raw / "spc.csv"

    @property
    def publication_settings(self) -> Path:
        """``data/raw/pubblicazione.csv``: who publishes the open data (``kpi publish``)."""
        return self.raw / "pubblicazione.csv"

    @property
    def changes_dir(self) -> Path:
        return self.raw / "changes"

    @property
    def change_rejects(self) -> Path:
        return self.processed / "change_rejects.csv"

    @property
    def nonconformities_dir(self) -> Path:
        return self.raw / "nonconformities"

    @property
    def review_dir(self) -> Path:
        """``data/raw/riesame/``: the management review's registers."""
        return self.raw / "riesame"

    @property
    def indicators(self) -> Path:
        return self.processed / "indicators.csv"

    @property
    def indicator_aliases(self) -> Path:
        """Ids as issued before a rename (``kpi catalog``), still accepted for their periods."""
        return self.processed / "indicator_aliases.csv"

    @property
    def catalog_rejects(self) -> Path:
        return self.processed / "catalog_rejects.csv"

    @property
    def event_measurements(self) -> Path:
        return self.processed / "event_measurements.csv"

    @property
    def event_bounds(self) -> Path:
        """What open cases leave undecided per indicator and period, and the open backlog."""
        return self.processed / "event_bounds.csv"

    @property
    def event_monthly(self) -> Path:
        """Month by month, the values of indicators judged over longer periods: their chart."""
        return self.processed / "event_monthly.csv"

    @property
    def event_as_of(self) -> Path:
        """The date open cases were judged at by the last ``kpi events`` (one ISO date)."""
        return self.processed / "event_as_of.txt"

    @property
    def event_rejects(self) -> Path:
        return self.processed / "event_rejects.csv"

    @property
    def measurements(self) -> Path:
        return self.processed / "measurements.csv"

    @property
    def measurement_rejects(self) -> Path:
        return self.processed / "measurement_rejects.csv"

    @property
    def deliveries(self) -> Path:
        """The delivery ledger: every non-blank delivered row once, with its outcome."""
        return self.processed / "deliveries.csv"

    @property
    def corrections(self) -> Path:
        return self.processed / "corrections.csv"

    @property
    def delivery_status(self) -> Path:
        return self.processed / "delivery_status.csv"

    @property
    def reminders_dir(self) -> Path:
        """``data/processed/solleciti/``: per office with something to send, its template and message."""
        return self.processed / "solleciti"

    @property
    def collection_settings(self) -> Path:
        """``data/raw/consegne.csv``: the deadline of a delivery, in working days after the period's end."""
        return self.raw / "consegne.csv"

    @property
    def evaluation(self) -> Path:
        return self.processed / "evaluation.csv"

    @property
    def spc(self) -> Path:
        return self.processed / "spc.csv"

    @property
    def indicator_summary(self) -> Path:
        return self.processed / "indicator_summary.csv"

    @property
    def opportunities(self) -> Path:
        return self.processed / "opportunities.csv"

    @property
    def nonconformities(self) -> Path:
        return self.processed / "nonconformities.csv"

    @property
    def outlook(self) -> Path:
        return self.processed / "outlook.csv"

    @property
    def nonconformity_rejects(self) -> Path:
        return self.processed / "nonconformity_rejects.csv"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        """The report notebooks: the root's own ``notebooks/`` where it has them, else this repository's."""
        own = self.root / "notebooks"
        return own if (own / "direction_report.ipynb").is_file() else REPOSITORY_ROOT / "notebooks"

    @property
    def templates_dir(self) -> Path:
        """Collection templates written by ``kpi template``."""
        return self.processed / "templates"

    @property
    def returns_dir(self) -> Path:
        """The return workbooks for the offices, one per delivered file."""
        return self.processed / "ritorno"

    @property
    def archive_index(self) -> Path:
        """``reports/index.html``: every period rendered so far."""
        return self.reports / "index.html"

    def report_folder(self, period: object) -> Path:
        """``reports/<period>/``: the pages of a period (a year's review pack included)."""
        return self.reports / str(period)

    def report_index(self, period: object) -> Path:
        return self.report_folder(period) / "index.html"

    def open_data(self, period: object) -> Path:
        """``reports/<period>/open-data/``: what ``kpi publish`` writes for the open-data portal."""
        return self.report_folder(period) / "open-data"

    def preservation(self, period: object) -> Path:
        """``reports/<period>/conservazione/``: the PDF/A copies for the preservation system."""
        return self.report_folder(period) / "conservazione"

    def page_list(self, period: object) -> Path:
        """What the period's index lists: every page rendered into the folder, whichever command wrote it."""
        return self.report_folder(period) / "pages.json"

    def output(self, path: Path, force: bool = False, is_ours=lambda path: False) -> Path:
        """``path`` checked as a place to write a command's output (``--out``): never inside ``data/raw/``
        (the offices' files), and an existing file there that ``is_ours`` does not recognise as this
        project's own output is replaced only with ``force``."""
        from .errors import KpiError

        path = Path(path).resolve()
        if path.is_relative_to(self.raw.resolve()):
            raise KpiError(
                f"{path}: outputs are never written into data/raw/ (the files people deliver); choose another --out"
            )
        if path.is_dir():
            raise KpiError(f"{path}: is a folder; give a file name to --out")
        if path.exists() and not force and not is_ours(path):
            raise KpiError(
                f"{path}: exists and was not written by kpi; add --force to replace it, or choose another --out"
            )
        return path

    def relative(self, path: Path) -> str:
        """``path`` relative to the root when it lies inside it, else absolute, with ``/``."""
        path = Path(path).resolve()
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
