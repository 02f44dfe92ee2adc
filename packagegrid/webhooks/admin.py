"""Admin for webhooks: staff approve subscriptions and read the delivery log."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from packagegrid.webhooks.models import Delivery, Subscription
from packagegrid.webhooks.services import subscription_decide


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ["url", "user", "events", "status", "created", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["url", "user__username"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = ["user", "created", "decided_by", "decided_at", "status"]
    fields = ["url", "events", "user", "status", "created", "decided_by", "decided_at"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people ask for subscriptions on /webhooks/, where the secret is shown

    @admin.action(description="Approve the selected subscriptions")
    def approve(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected subscriptions")
    def reject(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        self._decide(request, queryset, approve=False)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Subscription], *, approve: bool
    ) -> None:
        for subscription in queryset:
            subscription_decide(
                subscription=subscription,
                user=request.user,  # type: ignore[arg-type]  # the admin requires a staff user
                approve=approve,
            )
        verb = "Approved" if approve else "Rejected"
        self.message_user(request, f"{verb} {len(queryset)} subscription(s).", messages.SUCCESS)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    """The delivery log: read-only."""

    list_display = [
        "created",
        "event",
        "subscription",
        "status",
        "response_code",
        "attempts",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["subscription__url", "delivery_id"]
    list_select_related = ["subscription"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
