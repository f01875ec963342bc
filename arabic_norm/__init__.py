"""arabic-norm: composable, fast, lossless Arabic text normalization."""

from .pipeline import ChainError, Pipeline, normalize
from .protect import Protect
from .stream import UndecodableInput

__version__ = "0.1.0"
__all__ = ["ChainError", "Pipeline", "Protect", "UndecodableInput", "__version__", "normalize"]
