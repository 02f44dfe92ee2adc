"""`packagegrid health_stats`: print how the packages spread over the lifecycle states."""

from typing import Any

from django.core.management.base import BaseCommand

from packagegrid.health.model import MODEL_VERSION
from packagegrid.health.selectors import HealthDistribution, health_distribution


class Command(BaseCommand):
    help = (
        "Print the lifecycle distribution of the stored health scores: packages, share and "
        "mean score per state. Reads only; run health_recompute first to refresh them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(health_stats_text(health_distribution()))


def health_stats_text(distribution: HealthDistribution) -> str:
    """The distribution as a plain-text table, one line per lifecycle state."""
    scored = distribution.scored
    lines = [
        f"{distribution.packages} packages, {scored} scored (current health model {MODEL_VERSION})",
        f"{'lifecycle':<12}{'packages':>9}{'share':>8}{'mean score':>12}",
    ]
    for state in distribution.states:
        share = f"{100 * state.packages / scored:.1f}%" if scored else "-"
        mean = f"{state.mean_score:.0f}" if state.packages else "-"
        lines.append(f"{state.lifecycle:<12}{state.packages:>9}{share:>8}{mean:>12}")
    if distribution.unscored:
        lines.append(f"{'not scored':<12}{distribution.unscored:>9}")
    stale = {m: n for m, n in distribution.models.items() if m != MODEL_VERSION}
    if stale:
        versions = ", ".join(f"model {m}: {n}" for m, n in sorted(stale.items()))
        lines.append(f"scored by an older model ({versions}): run health_recompute")
    return "\n".join(lines)
