"""What a table in a narrow terminal gives up first, and the words its lines never split.

A terminal too narrow for a whole table leaves columns out, each table in its own order, before it
falls back to a block per row: what can be read elsewhere or matters least to the meeting goes
first; names, statuses and overdue days stay. The renderer (`formats.render_table`) names the
columns it left out in a line under the table.
"""

from __future__ import annotations

from yunhe_cli.reports.rollup import StatusReport

STATUS_DROP = ("tasks_blocked", "last_report", "problems_open")
INDICATOR_DROP = ("notes", "pace_needed", "projection", "published", "latest_period")
TASK_DROP = ("next_deadline", "last_update", "percent", "task_note")
# The quarter's indicator ranking: the previous status (its movement stays), the expected figure
# (its ahead/behind stays), then the target.
QUARTER_INDICATOR_DROP = ("previous_status", "expected", "target")
PROBLEM_DROP = ("source", "closed_on", "raised_on", "age_days", "resolution", "reopened", "last_reopened")


def project_names(report: StatusReport) -> frozenset[str]:
    """Every project's names (full and short, both languages): words no line splits."""
    return frozenset(
        x for p in report.projects for x in (p.name, p.name_en, p.short_name, p.short_name_en) if x
    )
