"""Forms of the monitoring pages: a site, a site sheet, an observation upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meili.monitoring.models import Medium, Site

ALLOWED_SUFFIXES = (".csv", ".gz", ".xlsx", ".xls", ".parquet", ".tsv", ".txt")


class SiteForm(forms.ModelForm):
    reason = forms.CharField(label=_("变更原因"), required=False, max_length=200)

    class Meta:
        model = Site
        fields = [
            "medium",
            "code",
            "name",
            "district",
            "control_level",
            "lon",
            "lat",
            "active_from",
            "active_to",
            "zone_class",
            "in_city_assessment",
            "water_body",
            "water_type",
            "target_class",
            "estuary",
            "provincial_key_river",
            "sea_area",
            "area_weight",
            "soil_kind",
            "land_use",
            "ph",
            "note",
        ]
        widgets = {
            "active_from": forms.DateInput(attrs={"type": "date"}),
            "active_to": forms.DateInput(attrs={"type": "date"}),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if not f.name.lower().endswith(ALLOWED_SUFFIXES):
                raise forms.ValidationError(_("不支持的文件类型：%(name)s") % {"name": f.name})
        return cleaned


class UploadForm(forms.Form):
    medium = forms.ChoiceField(label=_("要素"), choices=Medium.choices)
    files = MultipleFileField(label=_("文件"), widget=MultipleFileInput(attrs={"multiple": True}))


class SitesUploadForm(forms.Form):
    file = forms.FileField(label=_("点位表（CSV或Excel）"))
