"""The package's layers, read from its imports (every `import`, also inside functions):

- `steps/` is the catalogue, data only: it imports nothing from arabic_norm outside `steps/`;
- `engine/`, `stream/` and `formats/` run text and bytes: they never import the command (`cli/`);
- only `cli/` imports click or rich: the library works without a terminal.

Each failure names the module and the import that breaks the rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "arabic_norm"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file; `from . import x` counts as
    importing the package and `x` (x may be a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((node.lineno, module))
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def violations(rule) -> list[str]:
    """`module:line imports name` for every import that `rule(module, name)` refuses."""
    out = []
    for path in MODULES:
        module = module_name(path)
        for line, name in imported_modules(path):
            if rule(module, name):
                out.append(f"{module}:{line} imports {name}")
    return sorted(set(out))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_walk_sees_imports_inside_functions_and_relative_ones():
    # The rules below are only as good as this reading: pipeline.py imports the steps package
    # relatively at the top, and the command imports click's completion inside a function.
    pipeline = dict((n, line) for line, n in imported_modules(PACKAGE / "pipeline.py"))
    assert "arabic_norm.steps" in pipeline
    completion = {n for _, n in imported_modules(PACKAGE / "cli" / "completion.py")}
    assert "click.shell_completion" in completion


def test_steps_import_nothing_outside_steps():
    # The catalogue says WHAT a step does; how fast it runs is the engine's business.
    def rule(module, name):
        return (
            within(module, "arabic_norm.steps")
            and within(name, "arabic_norm")
            and name != "arabic_norm"
            and not within(name, "arabic_norm.steps")
        )

    assert violations(rule) == []


@pytest.mark.parametrize("layer", ["engine", "stream", "formats"])
def test_lower_layers_never_import_the_command(layer):
    def rule(module, name):
        return within(module, f"arabic_norm.{layer}") and within(name, "arabic_norm.cli")

    assert violations(rule) == []


def test_only_the_command_imports_click_or_rich():
    def rule(module, name):
        return not within(module, "arabic_norm.cli") and (within(name, "click") or within(name, "rich"))

    assert violations(rule) == []


def test_no_module_over_400_lines():
    # A module that long holds more than one job: split it by job, as cli/command.py was.
    long = {module_name(path): n for path in MODULES if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
