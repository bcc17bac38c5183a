"""`stats`: SLA targets met and breached, the flow through a group and the window day by day."""

from govpress_support.workflows.stats.models import StatsResult
from govpress_support.workflows.stats.run import StatsOptions, run_stats

__all__ = ["StatsOptions", "StatsResult", "run_stats"]
