"""Enterprises of the registry (valid GB 32100 codes) for the emergency and credit tests."""

from __future__ import annotations

import pytest

from meili.standards.uscc import make_uscc


@pytest.fixture
def enterprises(org):
    from meili.sources.models import Enterprise

    rows = [
        ("威海示范水泥有限公司", "91371000MA3C00001", "wendeng", "水泥（熟料）"),
        ("威海示范轮胎有限公司", "91371000MA3C00002", "huancui", "橡胶制品制造"),
        ("威海示范船舶涂装有限公司", "91371000MA3C00003", "rongcheng", "工业涂装"),
    ]
    return [
        Enterprise.objects.create(
            name=name, credit_code=make_uscc(code), district=org[district], industry_name=industry
        )
        for name, code, district, industry in rows
    ]
