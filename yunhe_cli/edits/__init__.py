"""edits — what an analyst changes: reports drafted, problems added, closed and reopened, the
canonical layout, a new county repository; every change through one checked, locked, atomic write.

Rule: imports outputs and what lies below; typer never.
"""
