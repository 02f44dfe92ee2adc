"""Read the Django, Python and Wagtail versions a repository's CI tests against.

Three file kinds, each parsed without running anything:

- `tox.ini`: the `envlist` of `[tox]`, with brace expansion (`py{310,311}-django{42,50}`,
  `py3{10,11}-dj{42,52}`). A factor `py310` / `py3.10` names Python 3.10; `django42`,
  `dj42`, `django4.2` / `dj4.2` name Django 4.2; `wagtail63` / `wt63` Wagtail 6.3.
- GitHub Actions workflows (`.github/workflows/*.yml`): each job's `strategy.matrix`
  lists `python-version`/`python` and `django-version`/`django`/`django_version`
  (and the `wagtail` forms), plus entries of `include`. Read with `yaml.safe_load`.
- `noxfile.py`: `@nox.session(python=[...])` and `nox.parametrize("django", [...])`,
  read from the syntax tree (`ast`), never executed.

Every parser returns `{"django": {...}, "python": {...}, "wagtail": {...}}` of feature
releases ("4.2", "3.10"); unreadable input gives empty sets, never an exception.
Versions like "main", "3.x" or "pypy3.10" name no feature release ("pypy3.10" names
none on purpose: it is another interpreter).
"""

from __future__ import annotations

import ast
import configparser
import itertools
import re
from collections.abc import Iterable

import yaml

type Matrix = dict[str, set[str]]

_PRODUCTS = ("django", "python", "wagtail")
_FACTOR = re.compile(
    r"^(?P<name>py|python|django|dj|wagtail|wt)(?P<version>\d+(?:\.\d+)?)$", re.IGNORECASE
)
_NAMES = {
    "py": "python",
    "python": "python",
    "django": "django",
    "dj": "django",
    "wagtail": "wagtail",
    "wt": "wagtail",
}
_BRACES = re.compile(r"\{([^{}]*)\}")
_FEATURE = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?(?:[a-z]+\d*)?$")
# Matrix keys naming a product's version list.
_MATRIX_KEYS = {
    "python-version": "python",
    "python_version": "python",
    "python": "python",
    "django-version": "django",
    "django_version": "django",
    "django": "django",
    "wagtail-version": "wagtail",
    "wagtail_version": "wagtail",
    "wagtail": "wagtail",
}
# Bounds: a hostile file must not make us expand or read without end.
MAX_FILE_CHARS = 200_000
MAX_ENVIRONMENTS = 2_000


def empty_matrix() -> Matrix:
    return {product: set() for product in _PRODUCTS}


def _compact_version(product: str, digits: str) -> str | None:
    """A feature release from a tox factor's digits: "310" -> "3.10", "42" -> "4.2",
    "4.2" -> "4.2", "7" -> None (a major alone is not a feature release)."""
    if "." in digits:
        return feature_version(digits)
    if len(digits) < 2:
        return None
    return f"{digits[0]}.{int(digits[1:])}"


def feature_version(value: object) -> str | None:
    """ "3.10", "3.10.4", "5.2rc1" or 3.1 (a YAML number) as a feature release; else None.

    A YAML float loses trailing zeros ("3.10" unquoted reads as 3.1), so floats are taken
    as written by YAML, which is what the workflow runs too.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = _FEATURE.match(value.strip())
    return f"{int(match[1])}.{int(match[2])}" if match else None


def expand_braces(text: str) -> list[str]:
    """Expand tox's brace groups: "py{310,311}-dj{42,52}" -> four environments.

    Bounded by MAX_ENVIRONMENTS.
    """
    parts = _BRACES.split(text)
    # Even indexes are literal text, odd ones the alternatives of a group.
    choices = [
        [p] if i % 2 == 0 else [c.strip() for c in p.split(",")] for i, p in enumerate(parts)
    ]
    results = []
    for combo in itertools.islice(itertools.product(*choices), MAX_ENVIRONMENTS):
        results.append("".join(combo))
    return results


def tox_versions(text: str) -> Matrix:
    """The versions named by the `[tox]` envlist of a tox.ini (see the module docstring)."""
    found = empty_matrix()
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text[:MAX_FILE_CHARS])
    except configparser.Error:
        return found
    envlist = parser.get("tox", "envlist", fallback="") or parser.get(
        "tox:tox", "envlist", fallback=""
    )
    # Split on commas and newlines outside braces.
    entries, depth, current = [], 0, ""
    for char in envlist:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char in ",\n" and depth == 0:
            entries.append(current)
            current = ""
        else:
            current += char
    entries.append(current)
    for entry in entries:
        for environment in expand_braces(entry.strip()):
            for factor in environment.split("-"):
                match = _FACTOR.match(factor.strip())
                if match is None:
                    continue
                product = _NAMES[match["name"].lower()]
                version = _compact_version(product, match["version"])
                if version:
                    found[product].add(version)
    return found


def _matrix_values(matrix: dict[object, object], found: Matrix) -> None:
    rows: list[dict[object, object]] = [matrix]
    include = matrix.get("include")
    if isinstance(include, list):
        rows += [row for row in include if isinstance(row, dict)]
    for row in rows:
        for key, values in row.items():
            product = _MATRIX_KEYS.get(str(key).lower())
            if product is None:
                continue
            for value in values if isinstance(values, list) else [values]:
                if product == "python" and isinstance(value, str) and "pypy" in value.lower():
                    continue
                if version := feature_version(value):
                    found[product].add(version)


def workflow_versions(text: str) -> Matrix:
    """The versions a GitHub Actions workflow's job matrices name (see the module docstring)."""
    found = empty_matrix()
    try:
        document = yaml.safe_load(text[:MAX_FILE_CHARS])
    except yaml.YAMLError:
        return found
    jobs = document.get("jobs") if isinstance(document, dict) else None
    if not isinstance(jobs, dict):
        return found
    for job in jobs.values():
        strategy = job.get("strategy") if isinstance(job, dict) else None
        matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
        if isinstance(matrix, dict):
            _matrix_values(matrix, found)
    return found


def _literal_strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [
            str(element.value)
            for element in node.elts
            if isinstance(element, ast.Constant) and isinstance(element.value, str | int | float)
        ]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return []


def nox_versions(text: str) -> Matrix:
    """The versions a noxfile.py names (see the module docstring); never executed."""
    found = empty_matrix()
    try:
        tree = ast.parse(text[:MAX_FILE_CHARS])
    except (SyntaxError, ValueError):
        return found
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name == "session":
            for keyword in node.keywords:
                if keyword.arg in ("python", "py"):
                    for value in _literal_strings(keyword.value):
                        if version := feature_version(value):
                            found["python"].add(version)
        elif name == "parametrize" and len(node.args) >= 2:
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            product = _MATRIX_KEYS.get(first.value.strip().lower())
            if product is None:
                continue
            for value in _literal_strings(node.args[1]):
                if version := feature_version(value):
                    found[product].add(version)
    return found


def merge(matrices: Iterable[Matrix]) -> Matrix:
    """The union of several files' versions."""
    found = empty_matrix()
    for matrix in matrices:
        for product in _PRODUCTS:
            found[product] |= matrix.get(product, set())
    return found
