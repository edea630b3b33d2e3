"""Every user-visible string is translatable, and the English catalogue translates all of them."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import meili

PACKAGE = Path(meili.__file__).parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def untranslated(po: polib.POFile) -> list[str]:
    return [
        e.msgid
        for e in po
        if not e.obsolete and ("fuzzy" in e.flags or not (e.msgstr or any(e.msgstr_plural.values())))
    ]


def test_the_committed_catalogue_is_complete():
    assert untranslated(polib.pofile(str(CATALOGUE))) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by `make test`")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    copy = tmp_path / "meili"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo"))
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "-v", "0", "--ignore=static/vendor/*"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    missing = untranslated(polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")))
    assert missing == [], f"run makemessages and translate: {missing}"
