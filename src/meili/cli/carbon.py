"""``meili carbon``: a city's energy CO2 inventory and the removable carbon of mariculture, from CSV/Excel.

``meili carbon inventory ACTIVITY... -o OUT.csv`` reads ``year,region,sector,fuel,unit,amount`` (fuels by
their Chinese name, plus 电力 and 热力; ``amount`` may be a notation key NO/NE/IE/C instead of a number)
and writes one row per input row, in input order, with the input columns plus ``energy_tj, co2_t``, the
factor set and the factor used. ``meili carbon sink HARVEST... -o OUT.csv`` reads
``year,region,species,harvest_t,basis`` (basis ``wet`` or ``dry``) and adds ``carbon_t, co2_t``.

A bad row gets one line naming the file, row, column and rule, exit code 2, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from meili.cli.media import _handle_errors
from meili.tabular import ROW, InputError, read_table, require_columns

_FILE = "__file"
INVENTORY_INPUT = ("year", "region", "sector", "fuel", "unit", "amount")
SINK_INPUT = ("year", "region", "species", "harvest_t", "basis")


def _read(paths: tuple[Path, ...], columns: tuple[str, ...]) -> pl.DataFrame:
    frames = []
    for path in paths:
        frame = read_table(path)
        require_columns(frame, path, columns)
        frames.append(
            frame.select(*[pl.col(c).str.strip_chars() for c in columns], pl.col(ROW), pl.lit(str(path)).alias(_FILE))
        )
    return pl.concat(frames, how="vertical")


def _fail(frame: pl.DataFrame, position: int, column: str, rule: str) -> InputError:
    return InputError(frame[_FILE][position], rule, row=frame[ROW][position], column=column)


def _years(frame: pl.DataFrame) -> pl.Series:
    parsed = frame["year"].cast(pl.Int64, strict=False)
    bad = (parsed.is_null() | (parsed < 1900) | (parsed > 2100)).arg_true()
    if bad.len():
        i = bad[0]
        raise _fail(frame, i, "year", f"{frame['year'][i]!r} is not a year like 2022")
    return parsed


def _numbers(frame: pl.DataFrame, column: str, *, keys: tuple[str, ...] = ()) -> tuple[list[float | None], list]:
    values: list[float | None] = []
    notes: list[str | None] = []
    for i, text in enumerate(frame[column].to_list()):
        raw = (text or "").strip()
        if raw.upper() in keys:
            values.append(None)
            notes.append(raw.upper())
            continue
        try:
            value = float(raw)
        except ValueError:
            rule = "a value is required" if not raw else f"{raw!r} is not a number"
            if keys:
                rule += f" (or a notation key {'/'.join(keys)})"
            raise _fail(frame, i, column, rule) from None
        if value < 0:
            raise _fail(frame, i, column, f"{raw!r} is negative")
        values.append(value)
        notes.append(None)
    return values, notes


def _write(frame: pl.DataFrame, output: Path) -> None:
    frame.drop([c for c in frame.columns if c.startswith("__")]).write_csv(output)


@click.group()
def carbon() -> None:
    """Carbon: energy CO2 inventory (省级温室气体清单编制指南) and mariculture sinks (HY/T 0305-2021)."""


@carbon.command("inventory")
@click.argument("activity", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="CSV to write.")
@click.option("--factors", "factor_set", default="cn-default", show_default=True, help="Factor set name.")
@click.option("--grid-factor", type=float, help="Grid factor in tCO2/MWh (default: the year's Shandong factor).")
@click.option("--heat-factor", type=float, help="Heat factor in tCO2/GJ (default 0.11).")
@_handle_errors
def inventory(
    activity: tuple[Path, ...], output: Path, factor_set: str, grid_factor: float | None, heat_factor: float | None
) -> None:
    """CO2 of each activity row: year,region,sector,fuel,unit,amount."""
    from meili.standards.carbon import energy, factors

    try:
        chosen = factors.shipped(factor_set)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="--factors") from None
    frame = _read(activity, INVENTORY_INPUT)
    years = _years(frame)
    amounts, notes = _numbers(frame, "amount", keys=tuple(energy.NOTATION_KEYS))
    engine_input = frame.with_columns(
        years.alias("year"),
        pl.Series("amount", amounts, dtype=pl.Float64),
        pl.Series("notation", notes, dtype=pl.String),
    )
    try:
        result = energy.inventory(
            engine_input.select(*INVENTORY_INPUT, "notation"),
            chosen,
            grid_factor=grid_factor,
            heat_factor=heat_factor,
        )
    except energy.InventoryError as exc:
        column = "amount" if exc.column == "notation" else exc.column
        raise _fail(frame, exc.position, column, str(exc)) from None
    out = frame.select(*INVENTORY_INPUT).with_columns(
        result["energy_tj"], result["co2_t"], result["factor_set"], result["factor"], result["notation"]
    )
    _write(out, output)


@carbon.command("sink")
@click.argument("harvest", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="CSV to write.")
@_handle_errors
def sink(harvest: tuple[Path, ...], output: Path) -> None:
    """Removable carbon of each harvest row: year,region,species,harvest_t,basis (wet|dry)."""
    from meili.standards.carbon import blue, factors

    frame = _read(harvest, SINK_INPUT)
    _years(frame)
    amounts, _ = _numbers(frame, "harvest_t")
    try:
        result = blue.sinks(
            frame.select("species", "basis").with_columns(pl.Series("harvest_t", amounts, dtype=pl.Float64)),
            factors.shipped(),
        )
    except blue.SinkError as exc:
        raise _fail(frame, exc.position, exc.column, str(exc)) from None
    out = frame.select(*SINK_INPUT).with_columns(
        result["dry_mass_t"],
        result["soft_carbon_t"],
        result["shell_carbon_t"],
        result["carbon_t"],
        result["co2_t"],
        result["factor"],
    )
    _write(out, output)
