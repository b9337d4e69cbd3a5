"""checks — named cross-file rules, validation (the one load pipeline), audit of history, owners
and members.

Rule: imports core and store.
"""
