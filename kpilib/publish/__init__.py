"""Publishing a period as Italian rules ask: open data for the city's portal (``kpi publish``)."""
