"""The shipped example data is what the generator writes, and it is labelled as illustrative."""

import shutil

import pandas as pd
from openpyxl import load_workbook

from kpilib.examples import write_examples
from kpilib.paths import REPOSITORY_ROOT, Paths


def test_generator_reproduces_the_shipped_files(tmp_path):
    shutil.copytree(REPOSITORY_ROOT / "data" / "raw" / "catalog", tmp_path / "data" / "raw" / "catalog")
    written = write_examples(Paths.at(tmp_path))
    shipped = REPOSITORY_ROOT / "data" / "raw"
    assert len(written) == 6
    for path in written:
        relative = path.relative_to(tmp_path / "data" / "raw")
        assert path.name.startswith("ESEMPIO_")
        if path.suffix == ".xlsx":
            ours = [[c.value for c in row] for row in load_workbook(path)["Misure"].iter_rows()]
            theirs = [[c.value for c in row] for row in load_workbook(shipped / relative)["Misure"].iter_rows()]
            assert ours == theirs, relative
        elif path.suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(shipped / relative))
        else:
            assert path.read_bytes() == (shipped / relative).read_bytes(), relative
