"""Forms of the maintainer actions: deprecation, flag answers, delisting requests."""

from __future__ import annotations

from django import forms

from packagegrid.catalog.models import Package
from packagegrid.maintainers.services import FLAG_NOTE_MAX_CHARS

DELISTING_REASON_MAX = 2000


class DeprecateForm(forms.Form):
    replacement = forms.CharField(
        label="Replaced by (slug)",
        max_length=100,
        required=False,
        help_text="The slug of the package to use instead; empty when no longer deprecated.",
    )

    def clean_replacement(self) -> Package | None:
        slug = self.cleaned_data["replacement"].strip()
        if not slug:
            return None
        package = Package.objects.filter(slug=slug).first()
        if package is None:
            raise forms.ValidationError(f"No package has the slug “{slug}”.")
        return package


class FlagAnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(label="Answer (public)", max_length=FLAG_NOTE_MAX_CHARS, required=False)

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class DelistingForm(forms.Form):
    reason = forms.CharField(
        label="Why should it be delisted?",
        max_length=DELISTING_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
