"""The emergency/credit demo step: a winter episode through the real workflow, ratings published, removable."""

import pytest

from meili.credit.models import Period, Rating, Violation
from meili.demo import loader
from meili.emergency.models import Alert, ReductionList
from meili.emergency.services import calendar

pytestmark = pytest.mark.django_db


def test_demo_episode_and_credit_years_remove_cleanly(org):
    from meili.emergency.demo import load

    load(loader.remember)
    alert = Alert.objects.get()
    assert alert.state == "lifted" and [e["action"] for e in calendar(2025)] == ["发布", "降级", "解除"]
    assert ReductionList.objects.get().state == "approved"
    assert set(Period.objects.values_list("state", flat=True)) == {"published"}
    grades = dict(Rating.objects.filter(period__year=2025).values_list("enterprise__name", "grade"))
    assert grades["威海演示水泥有限公司"] == "black" and grades["荣成演示船舶涂装有限公司"] == "blue"
    loader.remove()
    assert not Alert.objects.exists() and not Violation.objects.exists() and not ReductionList.objects.exists()
