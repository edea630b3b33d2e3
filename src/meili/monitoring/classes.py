"""The class labels of water, sea and groundwater in the reader's language: the standards' Chinese (GB 3838 Ⅰ…劣Ⅴ,
GB 3097 一类…劣四类, GB/T 14848 Ⅰ…Ⅴ) or their English versions' names (Class II, Grade I). Pages and exports show
a stored result's class through :func:`class_name`; the stored label stays the standard's Chinese."""

from __future__ import annotations

from django.utils.translation import get_language

from meili.plans.model import in_language
from meili.standards import groundwater, sea, water

#: medium → (Chinese labels, English labels) of classes 1, 2, …
LABELS = {
    "water": (water.CLASS_LABELS, water.CLASS_LABELS_EN),
    "sea": (sea.CLASS_LABELS, sea.CLASS_LABELS_EN),
    "groundwater": (groundwater.CLASS_LABELS, groundwater.CLASS_LABELS_EN),
}


def class_labels(medium: str) -> list[str]:
    """The labels of *medium*'s classes 1, 2, … in the active language; none for media without classes."""
    chinese, english = LABELS.get(medium, ((), ()))
    return [in_language(c, e, get_language()) for c, e in zip(chinese, english, strict=True)]


def class_name(medium: str, klass: int | None, label: str = "") -> str:
    """Class *klass* (or the class the standard's Chinese *label* names) of *medium* in the active language;
    *label* as stored where there is no class (soil categories, noise figures)."""
    chinese = LABELS[medium][0] if medium in LABELS else ()
    if klass is None and label in chinese:
        klass = chinese.index(label) + 1
    return class_labels(medium)[klass - 1] if klass and chinese else label
