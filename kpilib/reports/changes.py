"""What changed since an issued revision: the values, statuses and episodes its pages showed, against now.

At issue, :func:`snapshot` keeps per indicator the value, status, target and the deliveries the value came
from, and per nonconformity episode its state (``dati/`` of the revision). A later draft compares the
analysis of today with it (:func:`changes_since`) and says, for each difference, why: a correction, a
delivery that arrived after the revision, a catalog change, or a value recomputed from case records.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.labels import STATE_IT, STATUS_IT, indicator_label, value_it
from ..core.periods import Period, parse_period
from ..core.vocabulary import is_missing

VALUES_FILE, MEASURES_FILE, EPISODES_FILE = "valori.csv", "misure.csv", "episodi.csv"
VALUE_COLUMNS = ["indicator_id", "direction", "office", "indicator", "target_raw", "target_unit", "value", "status"]
MEASURE_COLUMNS = ["indicator_id", "period", "value", "note", "source", "row"]
EPISODE_COLUMNS = ["indicator_id", "first_period", "last_period", "state", "closed_by", "effectiveness"]
CHANGE_COLUMNS = ["indicator_id", "direction", "Indicatore", "Che cosa", "Nella revisione", "Ora", "Perché"]


def snapshot(
    summary: pd.DataFrame, measurements: pd.DataFrame, nonconformities: pd.DataFrame, period: Period
) -> dict[str, pd.DataFrame]:
    """The values, the measurements behind them and the episodes a set of pages shows, as the revision keeps them."""
    ids = set(summary["indicator_id"])
    within = pd.Series([period.contains(p) for p in measurements["period"]], index=measurements.index, dtype=bool)
    inside = measurements[within & measurements["indicator_id"].isin(ids)]
    measures = inside.reindex(columns=MEASURE_COLUMNS).astype({"period": str})
    values = summary.assign(indicator=[indicator_label(r) for r in summary.to_dict("records")])[VALUE_COLUMNS]
    episodes = nonconformities.reindex(columns=EPISODE_COLUMNS).astype({"first_period": str, "last_period": str})
    return {
        VALUES_FILE: values.sort_values("indicator_id").reset_index(drop=True),
        MEASURES_FILE: measures.sort_values(["indicator_id", "period"]).reset_index(drop=True),
        EPISODES_FILE: episodes.sort_values(["indicator_id", "first_period"]).reset_index(drop=True),
    }


def write_snapshot(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(folder / name, index=False, encoding="utf-8")


def read_snapshot(folder: Path) -> dict[str, pd.DataFrame]:
    columns = {VALUES_FILE: VALUE_COLUMNS, MEASURES_FILE: MEASURE_COLUMNS, EPISODES_FILE: EPISODE_COLUMNS}
    frames = {
        name: pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        if (folder / name).is_file()
        else pd.DataFrame(columns=wanted, dtype=str)
        for name, wanted in columns.items()
    }
    for name in (VALUES_FILE, MEASURES_FILE):
        frames[name]["value"] = pd.to_numeric(frames[name]["value"].replace("", None))
    return frames


def changes_since(
    before: dict[str, pd.DataFrame],
    now: dict[str, pd.DataFrame],
    corrections: pd.DataFrame,
    edited: frozenset = frozenset(),
) -> pd.DataFrame:
    """One row per difference between a revision's snapshot and today's: indicator, what changed, then and now, why.

    Per indicator: its target, each measurement of the period (a correction, a late delivery, a value
    withdrawn), the period's value and status; then the nonconformity episodes. ``corrections``: the
    replaced values (``corrections.csv``), to name a correction as such; ``edited``: the input files
    whose content changed since the revision (rewritten in place).
    """
    rows = []
    old = before[VALUES_FILE].set_index("indicator_id")
    new = now[VALUES_FILE].set_index("indicator_id")
    for indicator_id in sorted(set(old.index) | set(new.index)):
        if indicator_id not in new.index:
            rows.append(
                _row(old.loc[indicator_id], "indicatore", "in vigore", "non più in vigore", "catalogo cambiato")
            )
            continue
        is_ = new.loc[indicator_id]
        if indicator_id not in old.index:
            rows.append(_row(is_, "indicatore", "assente", "in vigore", "catalogo cambiato: indicatore nuovo"))
            continue
        was = old.loc[indicator_id]
        reasons = []
        if str(was["target_raw"]) != str(is_["target_raw"]):
            reasons.append(f"target cambiato nel catalogo ({was['target_raw']} → {is_['target_raw']})")
            rows.append(_row(is_, "target", str(was["target_raw"]), str(is_["target_raw"]), reasons[-1]))
        for what, then, now_, why in _measure_changes(
            _own(before[MEASURES_FILE], indicator_id), _own(now[MEASURES_FILE], indicator_id), corrections, edited
        ):
            reasons.append(why)
            rows.append(_row(is_, what, _shown(then, is_), _shown(now_, is_), why))
        why = "; ".join(dict.fromkeys(reasons)) or "ricalcolato con i dati attuali"
        if not _same_value(was["value"], is_["value"]):
            rows.append(_row(is_, "valore del periodo", _shown(was["value"], is_), _shown(is_["value"], is_), why))
        if str(was["status"]) != str(is_["status"]):
            rows.append(_row(is_, "esito", _status(was["status"]), _status(is_["status"]), why))
    rows += _episode_changes(before[EPISODES_FILE], now[EPISODES_FILE], new)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _own(measures: pd.DataFrame, indicator_id: str) -> dict[str, dict]:
    own = measures[measures["indicator_id"] == indicator_id].astype({"period": str})
    return {r["period"]: r for r in own.to_dict("records")}


def _measure_changes(then: dict, now: dict, corrections: pd.DataFrame, edited: frozenset) -> list[tuple]:
    """(what, value then, value now, why) for each measurement of the period that differs."""
    found = []
    for period in sorted(set(then) | set(now)):
        was, is_ = then.get(period), now.get(period)
        old_value = None if was is None else was["value"]
        new_value = None if is_ is None else is_["value"]
        if was is not None and is_ is not None and _same_value(old_value, new_value):
            continue
        what = f"valore di {_period_it(period)}"
        if is_ is None:
            found.append((what, old_value, None, "valore ritirato o scartato da una consegna successiva"))
            continue
        source, row = str(is_["source"]), str(is_["row"])
        corrected = corrections[
            (corrections["new_source"].astype(str) == source)
            & (corrections["new_row"].astype("string") == row)
            & (corrections["period"].astype(str) == period)
        ]
        if len(corrected):
            on = corrected["new_delivered_on"].iloc[0]
            on = "" if is_missing(on) else f" del {on}"
            why = f"correzione ({period}: {source}{on} sostituisce {corrected['old_source'].iloc[0]})"
        elif was is not None and str(was["source"]) == source and source in edited:
            why = f"file modificato dopo la revisione ({source})"
        elif source.startswith("data/raw/events/"):
            why = "ricalcolato dai casi con dati più recenti"
        elif was is None:
            why = f"consegna arrivata dopo la revisione ({source})"
        else:
            why = f"nuova consegna ({source})"
        found.append((what, old_value, new_value, why))
    return found


def _shown(value: object, indicator: pd.Series) -> str:
    return "—" if value is None or is_missing(value) else value_it(value, indicator["target_unit"])


def _row(row: pd.Series, what: str, then: str, now: str, why: str) -> dict:
    return {
        "indicator_id": row.name,
        "direction": row["direction"],
        "Indicatore": f"{row['indicator']} ({row['office']})",
        "Che cosa": what,
        "Nella revisione": then,
        "Ora": now,
        "Perché": why,
    }


def _same_value(a: object, b: object) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def _status(status: object) -> str:
    return STATUS_IT.get(str(status), str(status))


def _episode_changes(before: pd.DataFrame, now: pd.DataFrame, values: pd.DataFrame) -> list[dict]:
    rows = []
    key = ["indicator_id", "first_period"]
    old = {tuple(r[k] for k in key): r for r in before.astype(str).to_dict("records")}
    new = {tuple(r[k] for k in key): r for r in now.fillna("").astype(str).to_dict("records")}
    for k in sorted(set(old) | set(new)):
        if k[0] not in values.index:
            continue
        who = values.loc[k[0]]
        label = f"non conformità da {_period_it(k[1])}"
        if k not in old:
            rows.append(_row(who, label, "assente", _state(new[k]["state"]), "nuovo periodo non raggiunto"))
        elif k not in new:
            rows.append(_row(who, label, _state(old[k]["state"]), "assente", "il periodo è ora raggiunto"))
        elif (old[k]["state"], old[k]["effectiveness"]) != (new[k]["state"], new[k]["effectiveness"]):
            then = _state(old[k]["state"]) + _effect(old[k]["effectiveness"])
            now_ = _state(new[k]["state"]) + _effect(new[k]["effectiveness"])
            rows.append(_row(who, label, then, now_, "registro delle non conformità o nuovi valori"))
    return rows


def _period_it(text: str) -> str:
    try:
        return parse_period(text).label_it()
    except ValueError:
        return text


def _state(state: str) -> str:
    return STATE_IT.get(state, state or "—")


def _effect(effectiveness: str) -> str:
    return f", azione {effectiveness}" if effectiveness else ""


def changes_section(
    revision, now: dict[str, pd.DataFrame], corrections: pd.DataFrame, hashes: dict[str, str], by_direction: bool
) -> str:
    """The draft's «Modifiche rispetto alla revisione N» (HTML) against ``revision`` (a
    :class:`~.revisions.Revision`); ``now``: today's :func:`snapshot` of the same pages' indicators;
    ``hashes``: today's input files and their SHA-256."""
    from ..core.labels import count_it
    from .tables import plain_table

    number = revision.number
    before = read_snapshot(revision.folder / "dati")
    edited = frozenset(name for name, digest in hashes.items() if revision.inputs.get(name, digest) != digest)
    ids = set(now[VALUES_FILE]["indicator_id"])
    before = {name: frame[frame["indicator_id"].isin(ids)] for name, frame in before.items()}
    found = changes_since(before, now, corrections, edited)
    heading = f"<h2 id='modifiche'>Modifiche rispetto alla revisione {number}</h2>"
    if found.empty:
        return heading + f"<p>Nessun valore, esito o episodio è cambiato rispetto alla revisione {number}.</p>"
    shown = found.drop(columns=["indicator_id"] + ([] if by_direction else ["direction"]))
    shown = shown.rename(columns={"direction": "Direzione"})
    said = (
        f"<p>{count_it(len(found), 'modifica')} rispetto alla revisione {number}, con il motivo: le correzioni e le consegne "
        "arrivate dopo l'emissione, i cambi di catalogo, i valori ricalcolati dai casi.</p>"
    )
    return heading + said + plain_table(shown, "modifiche")
