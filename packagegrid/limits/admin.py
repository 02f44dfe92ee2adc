"""The admin's login form: says so when the login throttle refused the attempt."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm

from packagegrid.limits.login import REFUSED_MESSAGE, login_was_refused


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """AdminAuthenticationForm; the throttle itself is LoginThrottleBackend, shared with
    the site's login. Installed as `admin.site.login_form` by LimitsConfig.ready()."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if login_was_refused(self.request):
                raise forms.ValidationError(REFUSED_MESSAGE, code="too_many_attempts") from None
            raise
