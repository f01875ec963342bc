"""`python -m arabic_norm`: the same as the `arabic-norm` command."""

from .console import entry

entry()
