"""Train the learned decisions on the corpus's train split, choose settings on dev, write the models.

Examples come from the rules' own candidates on each train report, labelled by the gold
events whose evidence overlaps them: the event model learns the type (or none), the role
model the side of every actor in the sentence (none for those the gold gives no role), the
status model the gold status. scikit-learn fits them; the weights are written as JSON.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from armsgraph import corpus as corpus_module
from armsgraph.errors import ArmsgraphError
from armsgraph.evaluate import EvalReport, prediction_events, score_events
from armsgraph.extract.learned import (
    DECISIONS,
    FEATURE_VERSION,
    MODEL_PATH,
    MODES,
    NEVER,
    Decisions,
    LinearModel,
    parser,
    refine,
)
from armsgraph.train_examples import Examples, Parsed, examples_of, read_guard, run_rules

__all__ = [
    "Examples",
    "Objective",
    "Parsed",
    "TrainingError",
    "ablation",
    "corpus_version",
    "examples_of",
    "fit",
    "read_guard",
    "run_rules",
    "score",
    "train",
]

C_GRID = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


class TrainingError(ArmsgraphError):
    """Training could not run (no scikit-learn, no corpus, no examples)."""


def fit(rows: list[tuple[dict[str, float], str]], c_value: float, seed: int) -> LinearModel:
    """A multinomial logistic regression over the rows, as a LinearModel."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrainingError(
            "scikit-learn is not installed", hint="pip install 'armsgraph[train]'"
        ) from None
    labels = sorted({label for _, label in rows})
    if len(labels) < 2:
        raise TrainingError(
            f"only one class in the examples ({labels})", hint="annotate more reports"
        )
    vec = DictVectorizer()
    x = vec.fit_transform([f for f, _ in rows])
    y = [label for _, label in rows]
    clf = LogisticRegression(C=c_value, max_iter=3000, random_state=seed)
    clf.fit(x, y)
    classes = [str(c) for c in clf.classes_]
    names = vec.get_feature_names_out()
    coef = clf.coef_
    weights: dict[str, list[float]] = {}
    for j, name in enumerate(names):
        row = [round(float(coef[k, j]), 4) for k in range(coef.shape[0])]
        if any(abs(w) >= 1e-4 for w in row):
            weights[str(name)] = row
    return LinearModel(
        classes=classes, bias=[round(float(b), 4) for b in clf.intercept_], weights=weights
    )


def score(parsed: list[Parsed], decisions: Decisions | None) -> EvalReport:
    """End-to-end scores of the rules (decisions None) or of the decisions over them."""
    gold, predicted = {}, {}
    for p in parsed:
        extraction = copy.deepcopy(p.extraction)
        if decisions is not None:
            refine(extraction, p.sentences, decisions, p.status_rule)
        gold[p.report.id] = p.gold
        predicted[p.report.id] = prediction_events(extraction.to_json())[0]
    return score_events(gold, predicted, where="corpus")


def corpus_version(reports: list[corpus_module.Report]) -> str:
    h = hashlib.sha1()
    for r in sorted(reports, key=lambda r: r.id):
        h.update(json.dumps([r.record, r.gold], sort_keys=True).encode("utf-8"))
    return h.hexdigest()[:12]


@dataclass
class Objective:
    """What a choice on dev maximizes: lenient + strict + roles F1 on dev, among the choices
    that keep every guard report (the seed) at least as well scored as the rules keep it."""

    dev: list[Parsed]
    guard: list[Parsed] = field(default_factory=list)
    guard_floor: tuple[float, float] = (0.0, 0.0)

    def __call__(self, decisions: Decisions, guarded: bool = True) -> float | None:
        if guarded and self.guard:
            held = score(self.guard, decisions)
            if (held.lenient.f1, held.strict.f1) < self.guard_floor:
                return None
        dev = score(self.dev, decisions)
        return round(dev.lenient.f1 + dev.strict.f1 + dev.roles.f1, 6)


def train(
    *,
    root: str | Path | None = None,
    output: str | Path | None = None,
    seed: int = 0,
    limit: int | None = None,
    guard: tuple[str | Path, str | Path] | None = None,
    log: Callable[[str], None] = print,
) -> Decisions:
    """Fit every decision on train, choose settings on dev, write the models.

    `guard` is a (gold, input) pair of reports whose lenient and strict scores no choice may
    lower below what the rules alone reach there.
    """
    from armsgraph.extract import Extractor

    random.seed(seed)
    loaded = corpus_module.load(root)
    train_reports = corpus_module.split_reports(loaded, "train", root=root)
    dev_reports = corpus_module.split_reports(loaded, "dev", root=root)
    if limit is not None:
        train_reports, dev_reports = train_reports[:limit], dev_reports[: max(1, limit // 3)]
    extractor = Extractor(decisions=None)
    log(f"rules over {len(train_reports)} train and {len(dev_reports)} dev reports")
    train_parsed = run_rules(train_reports, extractor)
    objective = Objective(run_rules(dev_reports, extractor))
    if guard is not None:
        objective.guard = read_guard(guard[0], guard[1], extractor)
        held = score(objective.guard, None)
        objective.guard_floor = (held.lenient.f1, held.strict.f1)
        log(f"guard: {len(objective.guard)} report(s), rules alone {_line(held)}")
    best: tuple[float, float, float] | None = None
    best_decisions: Decisions | None = None
    for use_parse in (False, True) if parser() is not None else (False,):
        examples = examples_of(train_parsed, use_parse)
        sizes = ", ".join(
            f"{n.split('/')[0]} {len(r)}" for n, r in examples.rows.items() if n.endswith("/both")
        )
        log(f"examples ({'with' if use_parse else 'without'} the parse): {sizes}")
        for c_value in C_GRID:
            models = {name: fit(rows, c_value, seed) for name, rows in examples.rows.items()}
            for threshold in THRESHOLDS:
                decisions = Decisions(
                    models=models, keep_threshold=threshold, meta={"parse": use_parse, "c": c_value}
                )
                # The guard speaks when the modes are chosen (all rules always keeps it).
                value = objective(decisions, guarded=False)
                log(
                    f"  parse={use_parse!s:5} C={c_value:<4} keep={threshold}: dev objective {value}"
                )
                key = (value, -c_value, -threshold)
                if best is None or key > best:
                    best, best_decisions = key, decisions
    assert best_decisions is not None
    chosen = _choose_modes(best_decisions, objective, log)
    chosen = _choose_thresholds(chosen, objective, log)
    rules_dev = score(objective.dev, None)
    dev = score(objective.dev, chosen)
    train_score = score(train_parsed, chosen)
    chosen.meta = {
        "parse": chosen.meta["parse"],
        "corpus_version": corpus_version(train_reports + dev_reports),
        "feature_version": FEATURE_VERSION,
        "seed": seed,
        "train_reports": len(train_reports),
        "dev_reports": len(dev_reports),
        "c": chosen.meta["c"],
        "scores": {
            "train": _f1s(train_score),
            "dev": _f1s(dev),
            "dev_rules_only": _f1s(rules_dev),
        },
    }
    target = Path(output) if output is not None else MODEL_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(chosen.to_json(), sort_keys=True) + "\n", encoding="utf-8")
    log(
        f"chose parse={chosen.meta['parse']} C={chosen.meta['c']} keep={chosen.keep_threshold}"
        f" drop={chosen.drop_threshold} retype={chosen.retype_threshold} modes={chosen.modes}; wrote {target}"
    )
    log(f"train: {_line(train_score)}")
    log(f"dev:   {_line(dev)}   (rules only: {_line(rules_dev)})")
    return chosen


def _choose_thresholds(
    decisions: Decisions, objective: Objective, log: Callable[[str], None]
) -> Decisions:
    """When, in "both", the model may drop a rule's event or change its type: chosen on dev."""
    best = decisions
    for name in ("drop_threshold", "retype_threshold"):
        scored = []
        for value in (NEVER, 0.9, 0.8, 0.7):
            trial = dataclasses.replace(best, **{name: value})
            result = objective(trial)
            if result is not None:
                scored.append((result, value == NEVER, trial))
        best = max(scored, key=lambda item: item[:2])[2]
        log(f"{name} chosen on dev: {getattr(best, name)}")
    return best


def _choose_modes(
    decisions: Decisions, objective: Objective, log: Callable[[str], None]
) -> Decisions:
    """Per decision, rules, model or both (and, where the event model adds events, the keep
    threshold): the combination that scores best on dev and keeps the guard reports."""
    best_key, best = None, decisions.with_modes(**dict.fromkeys(DECISIONS, "rules"))
    for event_mode, role_mode, status_mode in itertools.product(MODES, repeat=3):
        base = decisions.with_modes(event=event_mode, role=role_mode, status=status_mode)
        keeps = THRESHOLDS if event_mode != "rules" else (decisions.keep_threshold,)
        for keep in keeps:
            trial = dataclasses.replace(base, keep_threshold=keep)
            result = objective(trial)
            if result is None:
                continue
            key = (result, trial.modes == decisions.modes, -keep)
            if best_key is None or key > best_key:
                best_key, best = key, trial
    log(f"modes chosen on dev: {best.modes}, keep threshold {best.keep_threshold}")
    return best


def ablation(
    decisions: Decisions, split: str, *, root: str | Path | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Scores of one split: all decisions by the rules, the model or both, the chosen modes, and
    each decision switched to rules, model or both with the others as chosen."""
    from armsgraph.extract import Extractor

    loaded = corpus_module.load(root)
    parsed = run_rules(
        corpus_module.split_reports(loaded, split, root=root), Extractor(decisions=None)
    )
    table: dict[str, dict[str, dict[str, float]]] = {"all": {}}
    for mode in MODES:
        table["all"][mode] = _f1s(
            score(parsed, decisions.with_modes(**dict.fromkeys(DECISIONS, mode)))
        )
    table["all"]["chosen"] = _f1s(score(parsed, decisions))
    for decision in DECISIONS:
        table[decision] = {
            mode: _f1s(score(parsed, decisions.with_modes(**{decision: mode}))) for mode in MODES
        }
    return table


def _f1s(report: EvalReport) -> dict[str, float]:
    return {level: round(report.score(level).f1, 3) for level in ("lenient", "strict", "roles")}


def _line(report: EvalReport) -> str:
    return " ".join(
        f"{level} {report.score(level).f1:.3f}" for level in ("lenient", "strict", "roles")
    )
