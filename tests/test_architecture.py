"""The architecture holds (docs/architecture.md): the import rules, one module per name, and one
definition per concept — an agency code, a delivery state, an agency's display name or a
column type's wording is typed in the contract and nowhere else in production code (the
generated files say they are generated)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neglect_warehouse.partnership.transform import dbt_sources
from neglect_warehouse.shared import contract

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "plugins" / "neglect_warehouse"
CONTRACT = PACKAGE / "shared" / "contract"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

AGENCY_CODES = set(contract.AGENCIES)
STATES = {s.value for s in contract.DeliveryState}
NAMES = AGENCY_CODES | STATES
QUOTED = re.compile(r"""(?<![\w.])['"](""" + "|".join(sorted(NAMES)) + r""")['"]""")
GENERATED = "Generated from"  # dbt_sources.HEADER's start, on the first line of generated files


def _phrases() -> set[str]:
    """Wording that only the contract may hold: agencies' display names, the column types'
    descriptions and expected-value words, and the states' labels and sentences. Words short
    and common enough to occur in any sentence ("Police", "date", "a locality code") are left
    out: a match would not mean a retyped definition."""
    phrases = {contract.agency_name(a) for a in contract.AGENCIES}
    for kind in contract.column_types().values():
        phrases |= {kind.description, kind.expected or ""}
    for state in contract.DeliveryState:
        phrases |= {state.label, state.meaning, state.action}
    return {p for p in phrases if len(p) > 16}


def _production_files() -> list[Path]:
    files = [
        p
        for p in PACKAGE.rglob("*")
        if p.suffix in {".py", ".j2", ".html", ".sql", ".yml", ".css"}
        and CONTRACT not in p.parents
        and p.is_file()
    ]
    files += sorted((ROOT / "dags").glob("*.py"))
    for folder in ("models", "macros", "tests", "analyses", "snapshots"):
        files += [
            p
            for p in (ROOT / "dbt_project" / folder).rglob("*")
            if p.suffix in {".sql", ".yml", ".yaml"}
        ]
    generated = set(dbt_sources.generated_files())
    return [p for p in files if p not in generated and not _marked_generated(p)]


def _marked_generated(path: Path) -> bool:
    first = path.read_text().split("\n", 1)[0]
    return GENERATED in first


def _python_literals(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and (text in NAMES or QUOTED.search(text)):
            found.append((node.lineno, text[:80]))
    return found


def test_agency_codes_and_states_are_typed_only_in_the_contract():
    found = []
    for path in _production_files():
        if path.suffix == ".py":
            hits = _python_literals(path)
        else:
            hits = [
                (n, line.strip()[:80])
                for n, line in enumerate(path.read_text().splitlines(), 1)
                if QUOTED.search(line)
            ]
        found += [f"{path.relative_to(ROOT)}:{n}: {text}" for n, text in hits]
    assert not found, "literal agency codes or states outside the contract:\n" + "\n".join(found)


def test_display_names_and_type_wording_are_written_only_in_the_contract():
    phrases = _phrases()
    found = [
        f"{path.relative_to(ROOT)}: {phrase!r}"
        for path in _production_files()
        for phrase in phrases
        if phrase in path.read_text()
    ]
    assert not found, "contract wording retyped outside the contract:\n" + "\n".join(found)


def test_the_literal_checks_can_fail(tmp_path):
    """A planted literal state and a planted display name are found."""
    planted = tmp_path / "planted.py"
    planted.write_text('SQL = "select 1 where state = \'QUARANTINED\'"\nA = "police"\n')
    assert [n for n, _ in _python_literals(planted)] == [1, 2]
    assert any(p in "Probation and youth justice" for p in _phrases())


def test_no_two_modules_share_a_name():
    modules: dict[str, list[str]] = {}
    for top in (PACKAGE, ROOT / "dev" / "neglect_synthetic", ROOT / "dags"):
        for path in top.rglob("*.py"):
            if path.name != "__init__.py":
                modules.setdefault(path.stem, []).append(str(path.relative_to(ROOT)))
    packages = {p.parent.name for p in PACKAGE.rglob("__init__.py")}
    clashes = {name: paths for name, paths in modules.items() if len(paths) > 1 or name in packages}
    assert not clashes


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": f"{root / 'plugins'}:{root / 'dev'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


def test_import_rules_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract_name"),
    [
        (
            "agency/tokens.py",
            "import neglect_warehouse.partnership.warehouse",
            "the agency side and the partnership side apart",
        ),
        (
            "shared/nhs_number.py",
            "import neglect_warehouse.agency.tokens",
            "the agency side and the partnership side apart",
        ),
        (
            "partnership/ingest/read.py",
            "import neglect_warehouse.partnership.pack.content",
            "data flows one way",
        ),
        (
            "partnership/warehouse.py",
            "import neglect_synthetic.generator.timeline",
            "never imports the synthetic partnership",
        ),
        ("agency/pseudonymise.py", "import duckdb", "agency side runs without"),
        ("shared/nhs_number.py", "import sqlalchemy", "contract runs without"),
    ],
)
def test_each_import_rule_catches_a_planted_import(tmp_path, module, planted, contract_name):
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGE, copy / "plugins" / "neglect_warehouse")
    shutil.copytree(ROOT / "dev" / "neglect_synthetic", copy / "dev" / "neglect_synthetic")
    target = copy / "plugins" / "neglect_warehouse" / module
    target.write_text(target.read_text() + f"\n{planted}  # planted by the test\n")
    result = _lint_imports(copy)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract_name in " ".join(broken.split()), result.stdout
