"""store — files and git: the YAML reader, the layout of a data folder, the loader, the one atomic
write and the lock, the cache, git's plumbing, snapshots of a revision, the plan as shipped.

Rule: imports core only (and nothing of typer or rich).
"""
