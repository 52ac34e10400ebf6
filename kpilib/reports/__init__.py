"""``kpi reports``: the notebooks executed through papermill and rendered for reviewers.

- :mod:`.data`: what a report reads (the processed files for one period and direction);
- :mod:`.tables`: the report tables in Italian, as escaped HTML;
- :mod:`.direction_report` and :mod:`.overview`: one function per section of
  ``notebooks/direction_report.ipynb`` and ``notebooks/overview.ipynb``;
- :mod:`.provenance`: parameters, version, commit and input hashes of a report;
- :mod:`.reports`: the command (the papermill batch, the index page).
"""
