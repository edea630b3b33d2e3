"""``meili report``: write the yearly progress assessment and the monthly bulletins as .docx, PDF and .xlsx."""

from __future__ import annotations

from pathlib import Path

import click


def _write(kind: str, period: str, parameters: dict, output: Path, pdf: Path | None, xlsx: Path | None) -> None:
    from meili.cli.django_setup import check_database, setup

    setup()
    check_database()
    from django.core.exceptions import ValidationError

    from meili.reports import services
    from meili.reports.pdf import PdfUnavailable

    try:
        document = services.build(kind, period, parameters)
        files = services.render_files(document, pdf=pdf is not None, xlsx=xlsx is not None)
    except ValidationError as exc:
        raise click.ClickException("; ".join(exc.messages)) from exc
    except (LookupError, PdfUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(files["docx"])
    written = [str(output)]
    if pdf is not None:
        pdf.write_bytes(files["pdf"])
        written.append(str(pdf))
    if xlsx is not None:
        xlsx.write_bytes(files["xlsx"])
        written.append(str(xlsx))
    note = "（无数据）" if document.empty else ""
    click.echo(f"{document.title}（{document.period}）{note} · data version {document.provenance['data_version']}")
    click.echo("\n".join(written))


def _outputs(f):
    f = click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tables as .xlsx.")(
        f
    )
    f = click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), help="Also write a PDF copy.")(f)
    f = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=True,
        help="The .docx file to write.",
    )(f)
    return f


@click.group()
def report() -> None:
    """Reports: 进程评估 (yearly) and the monthly air and water bulletins."""


@report.command()
@click.option("--year", type=int, required=True, help="Assessment year.")
@click.option("--method", default="escap", show_default=True, help="Progress method (escap, growth_ratio).")
@_outputs
def progress(year: int, method: str, output: Path, pdf: Path | None, xlsx: Path | None) -> None:
    """美丽威海建设进程评估 for a year."""
    _write("progress", str(year), {"method": method}, output, pdf, xlsx)


@report.command("air-monthly")
@click.option("--month", required=True, help="Month as YYYY-MM.")
@_outputs
def air_monthly(month: str, output: Path, pdf: Path | None, xlsx: Path | None) -> None:
    """空气质量月报 for a month."""
    _write("air_monthly", month, {}, output, pdf, xlsx)


@report.command("water-monthly")
@click.option("--month", required=True, help="Month as YYYY-MM.")
@_outputs
def water_monthly(month: str, output: Path, pdf: Path | None, xlsx: Path | None) -> None:
    """水环境质量月报 for a month."""
    _write("water_monthly", month, {}, output, pdf, xlsx)
