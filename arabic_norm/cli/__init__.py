"""THE COMMAND: `arabic-norm`, the only package that imports click or rich."""

from .command import entry, main

__all__ = ["entry", "main"]
