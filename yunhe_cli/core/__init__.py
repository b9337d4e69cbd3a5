"""core — the domain's meaning: models, problems and their registry, numbers, the calendar,
indicator kinds, bands, the index and the repository type.

Rule: imports nothing of yunhe above it; no I/O and no clock (every date is given).
"""
