"""``kpi reports``: the notebooks executed through papermill and rendered for reviewers.

- :mod:`.data`: what a report reads (the processed files for one period and direction);
- :mod:`.tables`: the report tables in Italian, as escaped HTML;
- :mod:`.direction_report` and :mod:`.overview`: one function per section of
  ``notebooks/direction_report.ipynb`` and ``notebooks/overview.ipynb``;
- :mod:`.provenance`: parameters, version, commit and input hashes of a report;
- :mod:`.reports`: the command (the papermill batch, the index page).
"""

import sys

# jsonschema (through nbformat) imports rfc3987_syntax, when it is installed, for IRI formats that nbformat
# never checks; it compiles 39 grammars as it loads: 1.2-1.6 s on every `kpi reports` and every report run.
# Marked absent, jsonschema leaves those formats out, as it does wherever the package is not installed.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
