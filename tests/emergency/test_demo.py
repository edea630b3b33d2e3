"""The emergency/credit demo step: a winter episode through the real workflow, ratings published, removable."""

import pytest

from meili.credit.models import Period, Rating, Violation
from meili.demo import loader
from meili.emergency.models import Alert, ReductionList
from meili.emergency.services import calendar
from meili.online.models import Device, Packet, Reading

pytestmark = pytest.mark.django_db


def test_demo_episode_and_credit_years_remove_cleanly(org):
    from meili.emergency.demo import load

    load(loader.remember)
    alert = Alert.objects.get()
    assert alert.state == "lifted" and [e["action"] for e in calendar(2025)] == ["发布", "降级", "解除"]
    assert ReductionList.objects.get().state == "approved"
    # compliance from the stored hourly online data of the two demo stacks (yellow at the check)
    verdicts = {f.entry.name: f.verdict for f in alert.findings.all()}
    assert verdicts["威海演示水泥有限公司"] == "cut" and verdicts["威海演示轮胎有限公司"] == "not_cut"
    assert verdicts["乳山演示玻璃有限公司"] == "no_data"
    assert alert.findings.get(entry__name="威海演示轮胎有限公司").detail["NOx"]["observed"] == pytest.approx(
        0.78, abs=0.02
    )
    assert set(Period.objects.values_list("state", flat=True)) == {"published"}
    grades = dict(Rating.objects.filter(period__year=2025).values_list("enterprise__name", "grade"))
    assert grades["威海演示水泥有限公司"] == "black" and grades["荣成演示船舶涂装有限公司"] == "blue"
    loader.remove()
    assert not Alert.objects.exists() and not Violation.objects.exists() and not ReductionList.objects.exists()
    assert not Device.objects.exists() and not Reading.objects.exists() and not Packet.objects.exists()
