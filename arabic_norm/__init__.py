"""arabic-norm: composable, fast, lossless Arabic text normalization.

The public names are imported when first used (PEP 562), so that the `arabic-norm` command can
install its Ctrl-C handler (arabic_norm/console.py) before the heavier modules load.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_WHERE = {
    "ArabicNormError": "errors",
    "ChainError": "errors",
    "InputError": "errors",
    "UndecodableInput": "errors",
    "UsageError": "errors",
    "Pipeline": "pipeline",
    "normalize": "pipeline",
    "Protect": "protect",
}
__all__ = [*sorted(_WHERE), "__version__"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'arabic_norm' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
