"""`ntm-map check` and the import report: the write rules run over stored rows."""
from layers.jobs.checks.run import CheckParams, CheckReport, Finding, rules_for, run

__all__ = ["CheckParams", "CheckReport", "Finding", "rules_for", "run"]
