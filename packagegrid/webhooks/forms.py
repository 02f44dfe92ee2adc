"""The form of a webhook subscription request."""

from django import forms

from packagegrid.webhooks.models import Event


class SubscriptionForm(forms.Form):
    url = forms.CharField(
        label="Payload URL",
        max_length=500,
        help_text="An http or https URL on a public address; we POST JSON to it.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )
