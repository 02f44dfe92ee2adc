"""Downloads of each package as pypistats.org counts them (without mirrors)."""

from django.db import models

from packagegrid.catalog.models import Package

# Weeks of history kept per package; pypistats serves about 26 weeks at a time, so the
# older half accumulates from earlier runs.
KEEP_WEEKS = 52


class PackageDownloads(models.Model):
    """pypistats' rolling totals of one package: the last day, 7 days and 30 days."""

    package = models.OneToOneField(
        Package, on_delete=models.CASCADE, primary_key=True, related_name="downloads"
    )
    last_day = models.PositiveBigIntegerField(default=0)
    last_week = models.PositiveBigIntegerField(default=0)
    last_month = models.PositiveBigIntegerField(default=0)
    # When the numbers last changed (not when they were last asked: see FetchState).
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "package downloads"

    def __str__(self) -> str:
        return f"downloads of {self.package_id}"


class WeeklyDownloads(models.Model):
    """Downloads of one package in one whole ISO week (`week` is its Monday)."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="weekly_downloads")
    week = models.DateField()
    downloads = models.PositiveBigIntegerField()

    class Meta:
        verbose_name_plural = "weekly downloads"
        constraints = [
            models.UniqueConstraint(fields=["package", "week"], name="unique_weekly_downloads"),
        ]

    def __str__(self) -> str:
        return f"downloads of {self.package_id} in the week of {self.week}"
