"""Reads of webhooks."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from packagegrid.webhooks.models import Subscription


def subscriptions_of(*, user: User) -> QuerySet[Subscription]:
    """`user`'s subscriptions, newest first (one query)."""
    return Subscription.objects.filter(user=user).order_by("-created", "-id")
