"""The example data generator: deterministic, labelled as illustrative, and what it plants is found.

Whether the files shipped in ``data/raw`` are still what the generator writes is checked by
``make check-examples`` (CI runs it), not here: no test reads the live ``data/`` folder.
"""

from pathlib import Path

import pandas as pd

from kpilib.examples import differences, write_examples


def test_the_generator_writes_the_same_files_twice(root):
    first = {path: path.read_bytes() for path in write_examples(root)}
    assert len(first) == 16  # 9 of data, 7 registers of the management review
    # Every example file says so in its name; aliases.csv has the one name the contract gives it.
    assert all(path.name.startswith("ESEMPIO_") for path in first if path.name != "aliases.csv")
    assert [path.name for path in first if path.parent.name == "catalog"] == [
        "ESEMPIO_catalogo_2025.csv",
        "aliases.csv",
    ]
    second = write_examples(root)
    assert {path: path.read_bytes() for path in second} == first
    assert differences(root) == []


def test_a_changed_example_file_is_reported(root):
    written = write_examples(root)
    csv = next(path for path in written if path.suffix == ".csv" and "misure" in path.name)
    csv.write_text(csv.read_text(encoding="utf-8").replace("2023-01", "2023-02", 1), encoding="utf-8")
    parquet = next(path for path in written if path.suffix == ".parquet")
    pd.read_parquet(parquet).head(3).to_parquet(parquet)
    found = differences(root)
    assert sorted(found) == sorted(
        f"{Path(p).relative_to(root.raw)}: differs from what the generator writes" for p in (csv, parquet)
    )


def test_the_fixture_root_ingests_the_examples_with_only_the_planted_rejects(shipped):
    rejects = pd.read_csv(shipped.measurement_rejects)
    # The two bad rows planted at the end of ESEMPIO_misure_2025.csv. December's cases of the protocol
    # file, still open, no longer leave a value "not computable yet": they count at their age (a lower
    # bound), and the period is pending.
    assert len(rejects) == 2
    assert set(rejects["source"]) == {"data/raw/measurements/ESEMPIO_misure_2025.csv"}
