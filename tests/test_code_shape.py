"""Modules fit their concern (STYLE.md §8): no application module over 400 lines and no function
over 60, so a file that grows past its concern fails here and gets split along its use cases.
Benchmarks and tests are scripts of their own and are not held to it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "tests", "bench", "var", "scripts", "node_modules"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in SKIPPED or "migrations" in relative.parts:
            continue
        yield relative, path.read_text()


def test_no_module_outgrows_its_concern():
    too_long = [(str(p), n) for p, text in _modules() if (n := len(text.splitlines())) > MAX_MODULE_LINES]
    assert not too_long, f"split these modules along their use cases: {too_long}"


def test_no_function_is_longer_than_a_screen():
    too_long = []
    for path, text in _modules():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path}:{node.name} ({length})")
    assert not too_long, f"split these functions: {too_long}"
