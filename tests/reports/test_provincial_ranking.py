"""The province's published city ranking: imported all or nothing, idempotent, cited by the air bulletin (#18)."""

from __future__ import annotations

import io
import shutil

import pytest
from django.urls import reverse

from meili.audit.models import AuditEntry
from meili.reports import checker, render_docx, services
from meili.reports.models import ProvincialRanking, RankingSpan
from meili.reports.ranking import import_ranking, published
from meili.tabular import InputError
from tests.reference import SHANDONG_RANKING_2019_08
from tests.reports.conftest import docx_tables, read_docx
from tests.reports.test_bulletins import air  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
SOURCE = "山东省生态环境厅《2019年8月全省环境空气质量排名》"
LINES = SHANDONG_RANKING_2019_08.read_text(encoding="utf-8").splitlines()


def _file(tmp_path, lines, name="ranking.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_published_ranking_is_stored_as_published_ties_and_all(org, users):
    result = import_ranking(users["analyst"], SHANDONG_RANKING_2019_08, "2019-08", RankingSpan.MONTH, SOURCE)
    assert result.state == "created" and result.rows == 16
    place = published("2019-08", RankingSpan.MONTH)
    assert place is not None and place.rank == 1 and place.tied_with == ("青岛市", "烟台市")
    assert published("2019-08", RankingSpan.YEAR_TO_DATE) is None
    entry = AuditEntry.objects.get(action="reports.provincial_ranking.import")
    assert entry.actor == users["analyst"] and len(entry.changes["rows"][1]) == 16


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda lines: [*lines, "莱芜市,16,36,48.4"], "row 18, column 城市: '莱芜市' is not one of the 16 cities"),
        (lambda lines: [*lines, "青岛,2,17,90"], "row 18, column 城市: 青岛市 is listed twice (also row 3)"),
        (lambda lines: [lines[0], "威海市,17,16,100", *lines[2:]], "row 2, column 排名: rank 17 is not a whole number"),
        (lambda lines: [lines[0], "威海市,1.5,16,100", *lines[2:]], "row 2, column 排名: rank 1.5"),
        (lambda lines: [lines[0], "威海市,,16,100", *lines[2:]], "row 2, column 排名: a value is required"),
        (lambda lines: [lines[0], "威海市,一,16,100", *lines[2:]], "row 2, column 排名: '一' is not a number"),
        (lambda lines: [lines[0], "威海市,1,16,120", *lines[2:]], "row 2, column 优良天数比例: 120 is out of range"),
        (lambda lines: [lines[0], *lines[2:]], "column 城市: the ranking has no row for 威海市"),
        (lambda lines: ["城市,PM2.5", "威海市,16"], "row 1, column 排名: required column '排名' is missing"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_file_row_column_and_rule(org, users, tmp_path, edit, where):
    path = _file(tmp_path, edit(LINES), "bad.csv")
    with pytest.raises(InputError) as caught:
        import_ranking(users["analyst"], path, "2019-08", RankingSpan.MONTH, SOURCE)
    assert str(caught.value).startswith("bad.csv, ") and where in str(caught.value)
    assert not ProvincialRanking.objects.exists()


def test_a_refused_file_leaves_the_stored_ranking_untouched(org, users, tmp_path):
    import_ranking(users["analyst"], SHANDONG_RANKING_2019_08, "2019-08", RankingSpan.MONTH, SOURCE)
    with pytest.raises(InputError):
        import_ranking(users["analyst"], _file(tmp_path, [*LINES, "北京市,1,10,100"]), "2019-08", "month", SOURCE)
    assert ProvincialRanking.objects.get().rows.count() == 16


def test_reimport_is_idempotent_and_a_correction_replaces_with_an_audit_entry(org, users, tmp_path):
    analyst = users["analyst"]
    import_ranking(analyst, SHANDONG_RANKING_2019_08, "2019-08", RankingSpan.MONTH, SOURCE)
    again = shutil.copy(SHANDONG_RANKING_2019_08, tmp_path / "again.csv")
    assert import_ranking(analyst, again, "2019-08", RankingSpan.MONTH, SOURCE).state == "unchanged"
    assert AuditEntry.objects.filter(action__startswith="reports.provincial_ranking").count() == 1
    corrected = [LINES[0], "威海市,2,17,100", "青岛市,1,16,96.8", *LINES[3:]]
    result = import_ranking(analyst, _file(tmp_path, corrected), "2019-08", RankingSpan.MONTH, SOURCE)
    assert result.state == "replaced" and ProvincialRanking.objects.count() == 1
    assert published("2019-08", RankingSpan.MONTH).rank == 2  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action="reports.provincial_ranking.replace")
    old, new = entry.changes["rows"]
    assert old[0]["city"] == "威海市" and old[0]["rank"] == 1
    assert next(r for r in new if r["city"] == "威海市")["rank"] == 2


def test_the_bulletin_cites_the_imported_rank_and_the_checker_agrees(air, users, tmp_path):  # noqa: F811
    october = [line.replace("2019", "2025") for line in LINES]
    import_ranking(users["analyst"], _file(tmp_path, october), "2025-10", RankingSpan.MONTH, SOURCE)
    ytd = [LINES[0], "青岛市,1,20,90", "威海市,2,21,88", *[x for x in LINES[1:] if x[:3] not in ("青岛市", "威海市")]]
    import_ranking(users["analyst"], _file(tmp_path, ytd, "ytd.csv"), "2025-10", RankingSpan.YEAR_TO_DATE, SOURCE)
    data = render_docx.render(services.build("air_monthly", "2025-10"))
    assert checker.check(data) == []
    doc = read_docx(data)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        f"全省排名：据{SOURCE}，威海市环境空气质量在全省16个设区市中，"
        "2025年10月排名第1位（与青岛市、烟台市并列）；2025年1—10月排名第2位。"
    ) in text
    main = {r[0]: r for r in docx_tables(doc)[0][1:]}
    assert main["全省排名"][1:] == ["位", "1（并列）", "—", "—", "2", "—"]
    # a text that contradicts its table is found
    sentence = next(p for p in doc.paragraphs if p.text.startswith("全省排名"))
    for run in sentence.runs:
        run.text = run.text.replace("排名第2位", "排名第3位")
    out = io.BytesIO()
    doc.save(out)
    assert any("2025年1—10月全省排名第3位" in p for p in checker.check(out.getvalue()))


def test_without_an_imported_ranking_the_bulletin_leaves_the_rank_out(air):  # noqa: F811
    document = services.build("air_monthly", "2025-10")
    doc = read_docx(render_docx.render(document))
    assert "全省排名" not in "\n".join(p.text for p in doc.paragraphs)
    assert all(r[0] != "全省排名" for r in docx_tables(doc)[0])


def test_the_page_uploads_and_shows_the_ranking_and_refuses_others(client, users):
    url = reverse("reports:provincial_ranking")
    client.force_login(users["reporter"])
    assert client.get(url).status_code == 403
    client.force_login(users["analyst"])
    with SHANDONG_RANKING_2019_08.open("rb") as handle:
        response = client.post(url, {"file": handle, "period": "2019-08", "span": "month", "source": SOURCE})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert SOURCE in page and "<strong>威海市</strong>" in page and "菏泽市" in page
    bad = b"\xe5\x9f\x8e\xe5\xb8\x82,\xe6\x8e\x92\xe5\x90\x8d\n" + "北京市,1\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bad.csv", bad, content_type="text/csv")
    response = client.post(url, {"file": upload, "period": "2019-09", "span": "month", "source": SOURCE})
    assert response.status_code == 400
    assert "bad.csv, row 2, column 城市" in response.content.decode()
    assert not ProvincialRanking.objects.filter(period="2019-09").exists()


def test_the_cli_imports_a_ranking(org, users):
    from click.testing import CliRunner

    from meili.cli import main

    args = ["import", "provincial-ranking", str(SHANDONG_RANKING_2019_08), "--month", "2019-08", "--source", SOURCE]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "16 cities, created" in result.output
    result = CliRunner().invoke(main, [*args[:4], "2019-13", *args[5:]])
    assert result.exit_code != 0 and "nothing imported" in result.output and "2019-13" in result.output
