"""THE COMMAND: `arabic-norm`, the only package that imports click or rich."""

from .command import command, entry, main

__all__ = ["command", "entry", "main"]
