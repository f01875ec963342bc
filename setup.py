"""The optional compiled kernel (arabic_norm/engine/_kernel.c). Everything else is in pyproject.toml.

`optional=True`: without a C compiler (or Python headers) the build skips the extension with a
warning and the package installs anyway; arabic_norm/engine/kernel.py then reports it missing and the
numpy engine does the work.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("arabic_norm.engine._kernel", ["arabic_norm/engine/_kernel.c"], optional=True)])
