"""``kpi evaluate``: targets held against measurements, variation, opportunities.

- :mod:`.evaluation`: every period of every series against its target (``evaluation.csv``);
- :mod:`.rollup`: pooling shorter periods into longer ones, compliance counts;
- :mod:`.spc`: XmR charts, special-cause rules, assurance (``spc.csv``);
- :mod:`.summary`: one row per indicator for the period (``indicator_summary.csv``);
- :mod:`.opportunities`: ranked improvement opportunities (``opportunities.csv``);
- :mod:`.nonconformities`: the register and the nonconformities (``nonconformities.csv``);
- :mod:`.history`: compliance semester by semester;
- :mod:`.charts`: the XmR chart and the report figures;
- :mod:`.evaluate`: :func:`analyse` (in memory) and the command (``analyse`` plus writing).
"""
