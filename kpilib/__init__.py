"""kpilib: ISO 9001 indicator analysis for the City of Milan.

Analysts start from :func:`analyse`, which reads the processed files under a root folder
(``data/processed`` and the registers in ``data/raw``) and writes nothing::

    import kpilib
    a = kpilib.analyse("2025-S1")                     # any period, in memory
    a.summary.nsmallest(5, "relative_margin")         # the processes furthest from their target
    kpilib.compliance(a.summary, ["office"])          # met / not met per office, pooled counts
    a.xmr_chart(a.summary["indicator_id"].iloc[0])    # a matplotlib Figure

The package is laid out as the pipeline runs: :mod:`kpilib.catalog` (``kpi catalog``),
:mod:`kpilib.cases` (``kpi events``), :mod:`kpilib.measurements` (``kpi ingest``,
``kpi template``), :mod:`kpilib.analysis` (``kpi evaluate``), :mod:`kpilib.reports`
(``kpi reports``), on a small :mod:`kpilib.core`; :mod:`kpilib.cli` is the command line.
"""

import importlib

__version__ = "0.1.0"

# Where each public name lives. Loaded on first use (PEP 562), so that `kpi events` does not
# pay for the analysis and `import kpilib` stays quick; `from kpilib import analyse` works as usual.
_PUBLIC = {
    "Analysis": "kpilib.analysis.evaluate",
    "analyse": "kpilib.analysis.evaluate",
    "compliance": "kpilib.analysis.rollup",
    "read_indicators": "kpilib.catalog.indicators",
    "Target": "kpilib.catalog.targets",
    "parse_target": "kpilib.catalog.targets",
    "KpiError": "kpilib.core.errors",
    "Paths": "kpilib.core.paths",
    "Period": "kpilib.core.periods",
    "parse_period": "kpilib.core.periods",
    "Assurance": "kpilib.core.vocabulary",
    "Comparator": "kpilib.core.vocabulary",
    "Polarity": "kpilib.core.vocabulary",
    "Status": "kpilib.core.vocabulary",
    "Unit": "kpilib.core.vocabulary",
    "Variation": "kpilib.core.vocabulary",
    "read_measurements": "kpilib.measurements.processed",
}
__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'kpilib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
