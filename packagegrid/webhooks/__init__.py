"""Outgoing webhooks: staff-approved subscriptions to events, signed deliveries."""
