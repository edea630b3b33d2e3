"""The faces a 公文 uses, by role, each with the fallbacks tried when it is not installed.

GB/T 9704 asks for 小标宋 (title), 仿宋_GB2312 (body), 黑体 (一、 headings) and 楷体_GB2312 ((一) headings).
Those faces are commercial; a server gets the first face of each chain that fontconfig knows. With the
Debian packages ``make`` installs (fonts-noto-cjk, fonts-arphic-ukai) the result is:

=========  ===================================================  ==========================
role       chain                                                 on a Debian server
=========  ===================================================  ==========================
title      方正小标宋简体, FZXiaoBiaoSong-B05S, 华文中宋, Noto Serif CJK SC (bold)  Noto Serif CJK SC
body       仿宋_GB2312, 仿宋, FangSong, Noto Serif CJK SC                         Noto Serif CJK SC
heading1   黑体, SimHei, Noto Sans CJK SC                                          Noto Sans CJK SC
heading2   楷体_GB2312, 楷体, KaiTi, AR PL UKai CN, Noto Serif CJK SC              AR PL UKai CN
latin      Times New Roman, Liberation Serif, DejaVu Serif                        Liberation Serif
=========  ===================================================  ==========================

The chosen faces are recorded with every stored report.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

CHAINS: dict[str, tuple[str, ...]] = {
    "title": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "华文中宋", "Noto Serif CJK SC"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"),
    "heading1": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "heading2": ("楷体_GB2312", "楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"),
    "latin": ("Times New Roman", "Liberation Serif", "DejaVu Serif"),
}
#: faces that are real 小标宋 need no bold; the Song fallback is set bold to come close to its weight.
REAL_TITLE_FACES = ("方正小标宋简体", "FZXiaoBiaoSong-B05S")


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Family names fontconfig knows (every localized name of each face)."""
    fc = shutil.which("fc-list")
    if fc is None:
        return frozenset()
    out = subprocess.run([fc, ":", "family"], capture_output=True, text=True, timeout=30).stdout
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


@dataclass(frozen=True)
class FontSet:
    title: str
    body: str
    heading1: str
    heading2: str
    latin: str

    @property
    def title_bold(self) -> bool:
        return self.title not in REAL_TITLE_FACES

    def as_dict(self) -> dict[str, str]:
        return {
            "title": self.title,
            "body": self.body,
            "heading1": self.heading1,
            "heading2": self.heading2,
            "latin": self.latin,
        }


def choose(role: str, available: frozenset[str] | None = None) -> str:
    """The first face of *role*'s chain that is installed (the last of the chain if none is)."""
    available = installed_families() if available is None else available
    chain = CHAINS[role]
    return next((name for name in chain if name in available), chain[-1])


def fontset(available: frozenset[str] | None = None) -> FontSet:
    return FontSet(**{role: choose(role, available) for role in CHAINS})


def missing_cjk() -> list[str]:
    """The roles for which no face of the chain is installed (reports would show boxes)."""
    available = installed_families()
    return [role for role, chain in CHAINS.items() if not any(n in available for n in chain)]
