"""forms — the month's workbook: its layout and building, reading a filled one, and applying it
through edits.

Rule: imports edits and what lies below; typer never.
"""
