"""The corpus's case files: where they are, their ids, and what their headers declare.

A case is ``cases/<source>/<NNN>_<slug>.py``; its id is ``<source>/<NNN>_<slug>``. The file
starts with a docstring naming where it comes from (``Source: <URL>, cell/section "..."``)
and how it was adapted (``Adapted: ...``). A module-level ``SCOPE = "out: <reason>"`` marks a
case outside minitf's scope (TF1 APIs), ``SCOPE = "later: <reason>"`` one inside it but not yet
supported (string tensors, ragged, ...); both still run, and are counted apart.
"""
from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CASES_DIR = ROOT / "cases"
GOLDENS_DIR = ROOT / "goldens"
_NAME = re.compile(r"^\d{3}_[a-z0-9_]+\.py$")


@dataclass(frozen=True)
class Case:
    """One case file: ``source`` (its folder), ``name`` (file stem) and ``path``."""
    source: str
    name: str
    path: Path

    @property
    def id(self) -> str:
        """``<source>/<name>``, the key of known_failures.py and of the test ids."""
        return f"{self.source}/{self.name}"

    @property
    def text(self) -> str:
        """The case's source code."""
        return self.path.read_text(encoding="utf-8")

    @property
    def sha256(self) -> str:
        """Hash of the source: a golden recorded from other code is stale."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()

    @property
    def scope(self) -> str | None:
        """The ``SCOPE`` string (``"out: ..."`` / ``"later: ..."``), or ``None`` (in scope)."""
        for node in ast.parse(self.text).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "SCOPE"
                    and isinstance(node.value, ast.Constant)):
                return node.value.value
        return None

    @property
    def scope_kind(self) -> str:
        """``"in"``, ``"later"`` or ``"out"``."""
        scope = self.scope
        return "in" if scope is None else scope.split(":", 1)[0].strip()

    @property
    def docstring(self) -> str:
        """The header docstring ('' if there is none)."""
        return ast.get_docstring(ast.parse(self.text)) or ""


def sources() -> list[str]:
    """The source folders under cases/, sorted."""
    return sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


def discover(only: list[str] | None = None) -> list[Case]:
    """Every case, sorted by id; ``only`` limits it to those sources or case ids."""
    found = []
    for source in sources():
        for path in sorted((CASES_DIR / source).glob("*.py")):
            case = Case(source, path.stem, path)
            if only and source not in only and case.id not in only:
                continue
            found.append(case)
    return found


def misnamed() -> list[str]:
    """Files under cases/ that do not follow ``<source>/<NNN>_<slug>.py``."""
    bad = []
    for path in CASES_DIR.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(CASES_DIR)
            if len(rel.parts) != 2 or not _NAME.match(rel.name):
                bad.append(str(rel))
    return sorted(bad)
