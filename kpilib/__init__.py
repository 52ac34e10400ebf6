"""kpilib: ISO 9001 indicator analysis for the City of Milan.

Analysts start with::

    import kpilib
    paths = kpilib.Paths.at()            # the repository's data/ and reports/
    indicators = kpilib.read_indicators(paths.indicators)
"""

from .catalog import build_indicators, read_indicators
from .errors import KpiError
from .paths import Paths
from .targets import Target, parse_target

__version__ = "0.1.0"

__all__ = ["KpiError", "Paths", "Target", "__version__", "build_indicators", "parse_target", "read_indicators"]
