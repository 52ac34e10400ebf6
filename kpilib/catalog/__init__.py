"""``kpi catalog``: the published table of processes and targets becomes ``indicators.csv``.

- :mod:`.targets`: the grammar of a target cell ("53 GG", "≥80%", "≥10 ≥10");
- :mod:`.wording`: what the indicator text says (basis, deadline, percentile, parts);
- :mod:`.sources`: reading a page export, CSV or workbook into rows under the header;
- :mod:`.indicators`: rows in, indicators and rejects out (the pure heart), ids;
- :mod:`.aliases`: renamed units (``aliases.csv``), applied before ids are derived;
- :mod:`.versions`: dated tables, the version in force at a period, what a version changed;
- :mod:`.catalog`: the command (sources in ``data/raw/catalog/``, files written).
"""
