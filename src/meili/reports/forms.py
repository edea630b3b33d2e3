from django import forms
from django.utils.translation import gettext_lazy as _

from meili.progress.assessment import METHOD_LABELS
from meili.reports.models import Kind


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=Kind.choices)
    period = forms.CharField(
        label=_("期间"), max_length=7, help_text=_("年度报告填年份（如 2025），月报填月份（如 2025-10）")
    )
    method = forms.ChoiceField(
        label=_("评估方法"),
        choices=list(METHOD_LABELS.items()),
        required=False,
        initial="escap",
    )
