"""``kpi ingest`` and ``kpi template``: measured values in, validated.

- :mod:`.files`: measurement files (CSV as Italian Excel saves it, XLSX) into text records;
- :mod:`.validate`: text records in, accepted measurements and rejects out (the pure heart);
- :mod:`.ingest`: the ``kpi ingest`` command, and reading ``measurements.csv`` back;
- :mod:`.template`: the ``kpi template`` command, the Excel collection sheet.
"""
