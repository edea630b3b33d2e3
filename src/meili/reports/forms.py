from django import forms
from django.utils.translation import gettext_lazy as _

from meili.progress.assessment import METHOD_LABELS
from meili.reports.models import Kind, RankingSpan


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


class ProvincialRankingForm(forms.Form):
    """Upload of a published provincial ranking (layout in :mod:`meili.reports.ranking`)."""

    file = forms.FileField(
        label=_("排名文件"), help_text=_("CSV 或 Excel：城市、排名，可选 综合指数、PM2.5、优良天数比例")
    )
    period = forms.CharField(label=_("月份"), max_length=7, help_text=_("如 2019-08"))
    span = forms.ChoiceField(label=_("统计区间"), choices=RankingSpan.choices, initial=RankingSpan.MONTH)
    source = forms.CharField(label=_("来源文件"), max_length=200, help_text=_("发布排名的文件或通报名称"))
