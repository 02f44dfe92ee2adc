"""Forms of the community actions: usage and favorite toggles, flags, flag decisions."""

from __future__ import annotations

from django import forms

from packagegrid.catalog.models import Flag, Package

FLAG_MESSAGE_MAX = 2000


def _is_on(value: str) -> bool:
    return value == "on"


class ToggleForm(forms.Form):
    """The state the button asks for ("on" or "off"), so a repeated submit is harmless."""

    on = forms.TypedChoiceField(choices=[("on", "on"), ("off", "off")], coerce=_is_on)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?", choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label="Details",
        max_length=FLAG_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "What should staff look at? For a deprecated package, name its replacement. "
            f"Up to {FLAG_MESSAGE_MAX} characters."
        ),
    )


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class DiscoveryDecisionForm(forms.Form):
    """Accept, reject, or merge into the listing named by its slug (`into`)."""

    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("reject", "Reject"), ("merge", "Merge")]
    )
    into = forms.CharField(max_length=100, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "merge":
            into = Package.objects.filter(slug=data.get("into") or "", reviewed=True).first()
            if into is None:
                raise forms.ValidationError("Name a reviewed package to merge into, by slug.")
            data["into"] = into
        return data
