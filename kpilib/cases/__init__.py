"""``kpi events``: indicators computed from case records (protocol or ticketing exports).

- :mod:`.files`: CSV and Parquet files opened as DuckDB relations with uniform columns;
- :mod:`.sql`: the DuckDB connection and the views that check and key every case;
- :mod:`.stats`: from the case histogram to derived measurements (pure frames);
- :mod:`.events`: the command.
"""
