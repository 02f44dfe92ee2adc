"""The requirements checker's form."""

from __future__ import annotations

from django import forms

MAX_REQUIREMENTS_CHARS = 50_000


class RequirementsForm(forms.Form):
    requirements = forms.CharField(
        label="Your requirements",
        help_text=(
            "Paste a requirements.txt, or the dependencies = [...] list of a pyproject.toml."
        ),
        max_length=MAX_REQUIREMENTS_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
