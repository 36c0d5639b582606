"""Secondary suppression of one indicator table (rule 2 of docs/disclosure.md): the cells to
hide, besides those already hidden, so that the attacker of attack.py learns too little about
any of them. Used by ``disclosure.apply`` table by table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from neglect_warehouse.partnership.pack.disclosure_rules import (
    CONFIDENTIAL,
    COUNT_COLUMNS,
    NOT_AVAILABLE,
    TOTAL_AREA,
    is_small,
    is_value_hidden,
    one_decimal,
)


def protect_table(
    cells: Mapping[tuple[str, str], int], hidden: Iterable[tuple[str, str]], measure: str
) -> set[tuple[str, str]]:
    """The cells of one table — (area code, count column) → true count, ``ALL`` the total —
    to show as ``c``, given those already hidden (``hidden``): rule 2 of the module docstring.

    Cells are added until the attacker (``pack/attack.py``) leaves every hidden cell, and a
    small unallocated part, at least ``attack.PROTECTION`` feasible values. For the first
    weak cell, the candidates are the visible cells of its column, the smallest locality first
    (ties by area code), then the total, then the other count of its row (a denominator that
    pins its numerator), then any other visible cell; the first candidate after which neither
    the weak cell nor the candidate itself is weak is taken (else the first that protects the
    weak cell, else the first). A cell whose value other shown cells pin (a numerator beside a
    shown zero denominator) is therefore never chosen to protect another.

    Candidates are tried with the attack's proof by example (``attack.unproven``), which needs
    no solver; the solver runs only when no candidate passes, to confirm that the cell is weak
    and to choose among the candidates."""
    from neglect_warehouse.partnership.pack import attack

    hidden = set(hidden)
    areas = sorted({area for area, _ in cells}, key=lambda a: (a != TOTAL_AREA, a))
    if not hidden and not _small_unallocated(cells, areas):
        return hidden

    def table(hidden_now: set):
        return _table(cells, hidden_now, areas, measure)

    cleared: set[tuple[str, str]] = set()  # the solver's word: protected (hiding more keeps it)
    while True:
        weak = [c for c in attack.unproven(table(hidden)) if c not in cleared]
        if not weak:
            return hidden
        first = weak[0]
        choices = _candidates(cells, hidden, areas, *first)
        trials: dict[tuple[str, str], set] = {}
        for candidate in choices:
            trials[candidate] = set(
                attack.unproven(table(hidden | {candidate}), [first, candidate])
            )
            if not trials[candidate]:
                break
        protecting = [c for c in trials if first not in trials[c]]
        chosen = next(
            (c for c in protecting if not trials[c]), protecting[0] if protecting else None
        )
        if chosen is None:
            if not attack.weaknesses(table(hidden), [first]):
                cleared.add(first)
                continue
            if not choices:
                raise RuntimeError(f"cannot protect {first}: every cell is already hidden")
            exact = {
                c: {(w.area, w.column) for w in attack.weaknesses(table(hidden | {c}), [first, c])}
                for c in choices
            }
            protecting = [c for c in choices if first not in exact[c]]
            chosen = next(
                (c for c in protecting if c not in exact[c]),
                protecting[0] if protecting else choices[0],
            )
        hidden.add(chosen)


def _candidates(cells, hidden, areas, area, column) -> list[tuple[str, str]]:
    """Visible cells to hide for a weak cell, in the order of ``protect_table``'s docstring."""
    visible = [(a, c) for (a, c) in cells if (a, c) not in hidden]
    localities = sorted(
        (cell for cell in visible if cell[1] == column and cell[0] != TOTAL_AREA),
        key=lambda cell: (cells[cell], cell[0]),
    )
    ordered = [cell for cell in localities if cell[0] != area]
    ordered += [cell for cell in visible if cell == (TOTAL_AREA, column) and area != TOTAL_AREA]
    partner = {"numerator": "denominator", "denominator": "numerator"}.get(column)
    ordered += [cell for cell in visible if partner and cell == (area, partner)]
    ordered += sorted(
        (cell for cell in visible if cell not in ordered),
        key=lambda cell: (COUNT_COLUMNS.index(cell[1]), cells[cell], areas.index(cell[0])),
    )
    return ordered


def _small_unallocated(cells, areas) -> bool:
    localities = [a for a in areas if a != TOTAL_AREA]
    if not localities or TOTAL_AREA not in areas:
        return False
    return any(
        is_small(cells[(TOTAL_AREA, col)] - sum(cells[(a, col)] for a in localities))
        for col in COUNT_COLUMNS
    )


def _table(cells, hidden, areas, measure):
    """The table as ``attack`` reads it, for the cells hidden so far."""
    from neglect_warehouse.partnership.pack import attack

    rows = []
    for area in areas:
        row = {"area_code": area, "measure": measure}
        for col in COUNT_COLUMNS:
            row[col] = cells[(area, col)]
            row[f"{col}_shown"] = CONFIDENTIAL if (area, col) in hidden else str(cells[(area, col)])
        n_hidden = (area, "numerator") in hidden
        d_hidden = (area, "denominator") in hidden
        if is_value_hidden(measure, cells[(area, "denominator")], n_hidden, d_hidden):
            row["value_shown"] = CONFIDENTIAL
        elif cells[(area, "denominator")] == 0:
            row["value_shown"] = NOT_AVAILABLE
        else:
            scale = 100.0 if measure == "percentage" else 10000.0
            row["value_shown"] = one_decimal(
                scale * cells[(area, "numerator")] / cells[(area, "denominator")]
            )
        rows.append(row)
    return attack.table_of("", None, rows)
