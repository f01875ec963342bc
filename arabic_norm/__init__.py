"""arabic-norm: composable, fast, lossless Arabic text normalization."""

from .errors import ArabicNormError, ChainError, InputError, UndecodableInput, UsageError
from .pipeline import Pipeline, normalize
from .protect import Protect

__version__ = "0.1.0"
__all__ = [
    "ArabicNormError",
    "ChainError",
    "InputError",
    "Pipeline",
    "Protect",
    "UndecodableInput",
    "UsageError",
    "__version__",
    "normalize",
]
