"""Forms of the community actions: usage and favorite toggles, flags, flag decisions."""

from __future__ import annotations

from django import forms

from packagegrid.catalog.models import Flag

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
