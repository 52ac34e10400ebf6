"""``python -m bench [events|analyse|reports|scale|conflicts|nhsr] [options]``: run the benchmarks, print their figures."""

import sys

from bench import analyse, conflicts, events, nhsr, reports, scale

BENCHMARKS = {
    "events": events.main,
    "analyse": analyse.main,
    "reports": reports.main,
    "scale": scale.main,
    "conflicts": conflicts.main,
    "nhsr": nhsr.main,
}


def main() -> int:
    names = [arg for arg in sys.argv[1:] if arg in BENCHMARKS] or list(BENCHMARKS)
    options = [arg for arg in sys.argv[1:] if arg not in BENCHMARKS]
    results = [BENCHMARKS[name](options) for name in names]
    return 0 if all(results) else 1


sys.exit(main())
