"""Charts are kept by content: the same content gives the drawn bytes again without drawing, other content is
drawn anew, and the process keeps at most ``KEPT`` of them."""

from meili.reports import charts
from meili.reports.document import Chart, Series


def _chart(pm25: float, title: str = "PM2.5月均浓度") -> Chart:
    return Chart(title, "line", "μg/m³", "2025年", [Series("PM2.5", [1, 2, 3], [31.0, pm25, 28.5])], reference=35.0)


def test_the_same_content_is_drawn_once_and_other_content_anew(monkeypatch):
    monkeypatch.setattr(charts, "_drawn", type(charts._drawn)())
    first = charts.render(_chart(40.0))
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert charts.render(_chart(40.0)) is first  # kept: the same bytes object, not drawn again
    assert first == charts._draw(_chart(40.0))  # and what drawing it gives
    other = charts.render(_chart(40.1))
    assert other != first and other == charts._draw(_chart(40.1))
    assert charts.render(_chart(40.0, title="PM10月均浓度")) != first


def test_the_process_keeps_at_most_kept_charts(monkeypatch):
    monkeypatch.setattr(charts, "_drawn", type(charts._drawn)())
    monkeypatch.setattr(charts, "KEPT", 2)
    oldest = charts.render(_chart(1.0))
    charts.render(_chart(2.0))
    charts.render(_chart(3.0))
    assert len(charts._drawn) == 2
    assert charts.render(_chart(1.0)) is not oldest  # dropped, drawn again (same pixels)
    assert charts.render(_chart(1.0)) == oldest
