"""The dense kernels' zero-copy view of a Polars column (public Arrow C stream interface) is the column."""

import numpy as np
import polars as pl
import pytest

from meili.standards.air._arrow import buffers


def _valid(bitmap: np.ndarray, offset: int, n: int) -> list[bool]:
    return [bool(bitmap[(offset + i) // 8] >> ((offset + i) % 8) & 1) for i in range(n)]


@pytest.mark.parametrize("dtype", [pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16, pl.Int8, pl.UInt32])
def test_values_and_validity_of_a_sliced_column_with_nulls(dtype):
    column = pl.Series("c", [1, None, 3, 4, None, 6, 7, 8, None, 10, 11], dtype=dtype).slice(3, 7)
    with buffers(column) as view:
        assert view is not None
        values, bitmap, offset, has_bitmap = view
        assert has_bitmap and len(values) == column.len()
        valid = _valid(bitmap, offset, column.len())
        assert valid == column.is_not_null().to_list()
        assert [v for v, ok in zip(values.tolist(), valid) if ok] == column.drop_nulls().to_list()


def test_a_column_without_nulls_is_viewed_in_place():
    column = pl.Series("c", np.arange(1000, dtype=np.float64))
    with buffers(column) as view:
        assert view is not None
        values, _, _, has_bitmap = view
        assert not has_bitmap
        assert np.shares_memory(values, column.to_numpy(allow_copy=False))


@pytest.mark.parametrize(
    "column",
    [pl.Series("s", ["a", "b"]), pl.concat([pl.Series("c", [1.0]), pl.Series("c", [2.0])], rechunk=False)],
    ids=["text", "two-chunks"],
)
def test_other_layouts_take_another_route(column):
    with buffers(column) as view:
        assert view is None
