"""Forms of the registry pages: they parse what users type; the checks are the services' (one home)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meili.accounts.models import OrgUnit
from meili.sources import services
from meili.sources.models import DischargePort, Enterprise, Outfall, Permit, PortLimit
from meili.standards import outfalls as outfall_rules


class _NoModelChecks:
    """The services check everything (uniqueness too), so the model's own validation is skipped here."""

    def _post_clean(self):
        pass


class EnterpriseForm(_NoModelChecks, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(services.ENTERPRISE_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)


class PermitForm(_NoModelChecks, forms.ModelForm):
    class Meta:
        model = Permit
        fields = list(services.PERMIT_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }


class PortForm(_NoModelChecks, forms.ModelForm):
    class Meta:
        model = DischargePort
        fields = list(services.PORT_FIELDS)

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permit"].queryset = enterprise.permits.all()


class LimitForm(_NoModelChecks, forms.ModelForm):
    class Meta:
        model = PortLimit
        fields = list(services.LIMIT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameter_name"].required = False
        self.fields["parameter_name"].help_text = _("留空则取HJ 212-2017编码表中的名称")


class OutfallForm(_NoModelChecks, forms.ModelForm):
    type_code = forms.ChoiceField(label=_("排污口类型（HJ 1312-2023）"), choices=[])

    class Meta:
        model = Outfall
        fields = [f for f in services.OUTFALL_FIELDS if f not in ("procedure", "remediation", "remediation_deadline")]
        widgets = {"procedure_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type_code"].choices = [
            (row[0], outfall_rules.type_info(row[0]).label) for row in outfall_rules.TYPES
        ]
        self.fields["district"].queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT)
        self.fields["receiving_site"].queryset = self.fields["receiving_site"].queryset.filter(
            medium__in=("water", "sea")
        )


class RemediationForm(forms.Form):
    kind = forms.ChoiceField(label=_("整治类型"), choices=[c for c in Outfall.Remediation.choices if c[0]])
    deadline = forms.DateField(label=_("整治时限"), widget=forms.DateInput(attrs={"type": "date"}))
    measures = forms.CharField(label=_("整治措施"), widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("照片或文件（JPG、PNG、PDF）"))
    caption = forms.CharField(label=_("说明"), max_length=120, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
