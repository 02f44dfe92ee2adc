"""`/webhooks/`: a signed-in person's subscriptions and the form to ask for one."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from packagegrid.webhooks.forms import SubscriptionForm
from packagegrid.webhooks.selectors import subscriptions_of
from packagegrid.webhooks.services import subscription_request


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    """GET: the list and the form. POST: ask for a subscription; the answer shows its
    secret, once."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    created = None
    if form.is_valid():
        try:
            created = subscription_request(user=user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
    if created is not None:
        form = SubscriptionForm()
    context = {"form": form, "created": created, "subscriptions": subscriptions_of(user=user)}
    status = 400 if form.errors else 200
    return render(request, "webhooks/webhooks.html", context, status=status)
