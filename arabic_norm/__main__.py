"""`python -m arabic_norm`: the same command as `arabic-norm`."""

from .cli import entry

entry()
