"""Forms of the public pages, the case workflow and the ledger."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit
from meili.governance.models import Channel, Kind, Satisfaction, Supervision, Verdict


def districts():
    return OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("id")


def handling_units():
    return OrgUnit.objects.exclude(kind=OrgUnit.Kind.CITY).order_by("kind", "id")


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    """What a member of the public (or an officer for a call or letter) reports."""

    kind = forms.ChoiceField(label=_("问题类型"), choices=Kind.choices)
    description = forms.CharField(label=_("问题描述"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    address = forms.CharField(
        label=_("地点"), max_length=200, required=False, help_text=_("填写详细地址，或在地图上点选位置。")
    )
    district = forms.ModelChoiceField(
        label=_("所在区市"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("（不确定）")
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput, min_value=36, max_value=38.5
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput, min_value=121, max_value=123.5
    )
    occurred = forms.CharField(
        label=_("发生时间"), max_length=60, required=False, help_text=_("如：2026年11月20日夜间，或“每天早上6点左右”。")
    )
    anonymous = forms.BooleanField(label=_("匿名举报（不留联系方式）"), required=False, initial=True)
    name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts()

    def clean(self):
        data = super().clean()
        if not data.get("address") and (data.get("latitude") is None or data.get("longitude") is None):
            self.add_error("address", _("请填写地点，或在地图上选点。"))
        if not data.get("anonymous") and not (data.get("name") or data.get("phone") or data.get("email")):
            self.add_error("phone", _("实名举报请至少留一种联系方式，或选择匿名。"))
        return data


class PublicReportForm(ReportForm):
    answer = forms.CharField(label=_("验证问题"), max_length=10)
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


class OfficerReportForm(ReportForm):
    channel = forms.ChoiceField(label=_("来源渠道"), choices=Channel.choices)
    sensitive = forms.BooleanField(label=_("敏感件"), required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("合并至案件编号"), max_length=20)
    note = forms.CharField(label=_("说明"), required=False)


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=OrgUnit.objects.none())
    due = forms.DateField(label=_("反馈期限（留空按规则计算）"), required=False, widget=DateInput)
    note = forms.CharField(label=_("转办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 4}))
    verdict = forms.ChoiceField(label=_("核查结论"), choices=Verdict.choices)


class CloseForm(forms.Form):
    result = forms.CharField(label=_("办理结果（内部）"), widget=forms.Textarea(attrs={"rows": 3}))
    reply = forms.CharField(label=_("答复举报人（查询码可见）"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


#: the form of each transition (the files of ``report`` and ``close`` come from ``request.FILES``)
TRANSITION_FORMS = {
    "accept": NoteForm,
    "decline": ReasonForm,
    "merge": MergeForm,
    "assign": AssignForm,
    "start": NoteForm,
    "report": FindingsForm,
    "send_back": ReasonForm,
    "close": CloseForm,
    "follow_up": FollowUpForm,
    "reopen": ReasonForm,
}
WITH_FILES = {"report", "close"}


class SuperviseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("被督办单位"), queryset=OrgUnit.objects.none())
    person = forms.CharField(label=_("被督办人"), max_length=60, required=False)
    method = forms.ChoiceField(label=_("方式"), choices=Supervision.Method.choices)
    requirement = forms.CharField(label=_("督办要求"), widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label=_("要求完成时间"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()


class SupervisionResultForm(forms.Form):
    result = forms.CharField(label=_("督办结果"), widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期天数"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("审批意见"), required=False)


class LedgerItemForm(forms.Form):
    batch = forms.CharField(label=_("批次"), max_length=120)
    seq = forms.CharField(label=_("序号"), max_length=20)
    problem = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.ModelChoiceField(label=_("责任单位"), queryset=OrgUnit.objects.none())
    measures = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("完成时限"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=_("整改台账 Excel 文件"))
    source = forms.CharField(label=_("来源"), max_length=60, required=False)


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2}))
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class ApplyForm(forms.Form):
    text = forms.CharField(label=_("整改完成情况"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class VerifyForm(forms.Form):
    approve = forms.BooleanField(required=False)
    text = forms.CharField(label=_("验收意见"), widget=forms.Textarea(attrs={"rows": 2}))
    public_summary = forms.CharField(label=_("公开整改情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
