"""reports — pure values of where things stand: the roll-up, the meetings (dispatch, quarter,
annual, history), the one resolver of names, changes read from git.

Rule: imports core, store and checks.
"""
