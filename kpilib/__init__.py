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

# Set before the imports below: the reports read it while the package is still loading.
__version__ = "0.1.0"

from .analysis.evaluate import Analysis, analyse
from .analysis.rollup import compliance
from .catalog.indicators import read_indicators
from .catalog.targets import Target, parse_target
from .core.errors import KpiError
from .core.paths import Paths
from .core.periods import Period, parse_period
from .core.vocabulary import Assurance, Comparator, Polarity, Status, Unit, Variation
from .measurements.ingest import read_measurements

__all__ = [
    "Analysis",
    "Assurance",
    "Comparator",
    "KpiError",
    "Paths",
    "Period",
    "Polarity",
    "Status",
    "Target",
    "Unit",
    "Variation",
    "__version__",
    "analyse",
    "compliance",
    "parse_period",
    "parse_target",
    "read_indicators",
    "read_measurements",
]
