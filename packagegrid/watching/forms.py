"""Forms of watching: how often the e-mail digest comes."""

from __future__ import annotations

from django import forms

from packagegrid.watching.models import WatchSettings


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label="E-mail digest",
        choices=WatchSettings.Digest.choices,
        widget=forms.RadioSelect,
        help_text="New releases, lifecycle changes, advisories and grid edits of what you watch.",
    )
