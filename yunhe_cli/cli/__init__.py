"""cli — the Typer commands: parse options, call the library, print, choose the exit status. The
only floor that reads the terminal and the environment.

Rule: may import every floor; nothing imports it.
"""

from yunhe_cli.cli.app import app, main

__all__ = ["app", "main"]
