from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meili.standards.uscc import make_uscc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def code(n: int, division: str = "371002") -> str:
    """A valid credit code (GB 32100 check character) of a made-up unit number *n*."""
    return make_uscc(f"91{division}MA{n:07d}")


@pytest.fixture
def registry(users, org):
    """One enterprise with a permit, a flue-gas port with SO2/NOx limits and a wastewater port."""
    from meili.sources import services

    officer = users["officer"]
    ent = services.save_enterprise(
        officer,
        {
            "name": "威海示范热电有限公司",
            "credit_code": code(1),
            "district": org["huancui"],
            "industry_code": "D4411",
            "industry_name": "火力发电",
            "lon": 122.1,
            "lat": 37.5,
            "key_discharger": True,
        },
    )
    permit = services.save_permit(officer, ent, {"number": code(1) + "001P", "kind": "key"})
    air = services.save_port(
        officer,
        ent,
        {"permit": permit, "medium": "air", "code": "DA001", "name": "1号锅炉烟囱", "reference_o2": 6.0},
    )
    water = services.save_port(officer, ent, {"permit": permit, "medium": "water", "code": "DW001", "name": "总排口"})
    so2 = services.save_limit(
        officer,
        air,
        {"parameter": "a21026", "limit": 35, "unit": "mg/m3", "averaging": "hour", "standard": "GB 13223-2011 表2"},
    )
    return {"enterprise": ent, "permit": permit, "air": air, "water": water, "so2": so2, "officer": officer}
