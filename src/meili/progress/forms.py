"""Forms of the reporting pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meili.progress.models import ManualStatusChoice

MAX_ATTACHMENT = 20 * 1024 * 1024
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".ofd", ".zip")


class ValueForm(forms.Form):
    value = forms.DecimalField(label=_("数值"), required=False, max_digits=20, decimal_places=6)
    manual_status = forms.ChoiceField(
        label=_("进展状态（里程碑/定性指标）"), required=False, choices=[("", "—"), *list(ManualStatusChoice.choices)]
    )
    weight = forms.DecimalField(label=_("权重（加权平均汇总时）"), required=False, max_digits=20, decimal_places=6)
    source_document = forms.CharField(label=_("数据来源文件"), max_length=200)
    source_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    note = forms.CharField(label=_("说明/佐证"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件"), required=False)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        if upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("附件不能超过20MB"))
        if not upload.name.lower().endswith(ATTACHMENT_TYPES):
            raise forms.ValidationError(_("附件类型不允许（允许：%(types)s）") % {"types": " ".join(ATTACHMENT_TYPES)})
        return upload


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("填好的Excel模板"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件（平台下载的模板）"))
        if upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(_("文件不能超过20MB"))
        return upload
