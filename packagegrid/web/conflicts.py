"""An edit saved from a stale version: the form shown again with both values side by side.

The services refuse such a save (`EditConflict`); every edit view then calls
`edit_conflict`, which turns the submitted form into the conflict form. It keeps the
person's values, says what changed, and now carries the current version: saving it
again deliberately keeps their values, cancelling keeps the current ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict

CONFLICT_MESSAGE = (
    "Someone else saved a change since you started editing, so yours was not saved. "
    "Compare the two below: save again to keep your values, or cancel to keep theirs."
)


@dataclass(frozen=True, slots=True)
class ConflictRow:
    label: str
    yours: str
    current: str


def edit_conflict(
    form: forms.Form, *, current: Mapping[str, Any], version: int
) -> list[ConflictRow]:
    """Make the bound, valid `form` the conflict form; returns the visible fields whose
    submitted value differs from `current` (field name → value as the form shows it),
    labelled, with choices shown by their labels.

    `version` (the object's version now) replaces the form's hidden version.
    """
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["version"] = str(version)
    form.data = data
    form.add_error(None, CONFLICT_MESSAGE)
    rows = []
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        yours = _shown(field, data.get(name, ""))
        theirs = _shown(field, current.get(name, ""))
        if yours != theirs:
            rows.append(
                ConflictRow(
                    label=str(field.label or name.capitalize()), yours=yours, current=theirs
                )
            )
    return rows


def edit_values(form: forms.Form) -> tuple[dict[str, Any], int | None]:
    """A valid form's cleaned data without its version, and that version (None: none
    was posted, so the save is not checked)."""
    values = dict(form.cleaned_data)
    return values, values.pop("version", None)


def _shown(field: forms.Field, value: Any) -> str:
    # Browsers post a textarea's line breaks as CRLF; what is stored may have LF.
    text = "" if value is None else str(value).replace("\r\n", "\n")
    if isinstance(field, forms.ChoiceField):
        for key, label in field.choices:  # type: ignore[union-attr,misc]  # a ChoiceField's choices are a list or a ModelChoiceIterator
            if str(key) == text:
                return str(label) if text else ""
    return text
