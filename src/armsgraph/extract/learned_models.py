"""The learned decisions' models: linear models over sparse word features, how each decision
combines with the rules, and the JSON they are shipped as (data/models/decisions.json)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

FEATURE_VERSION = 1
MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "decisions.json"
MODES = ("rules", "model", "both")


@dataclass
class LinearModel:
    """Multinomial logistic regression over sparse string features (weights per class)."""

    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]]

    def __post_init__(self) -> None:
        # One row of weights per feature, as a matrix: a prediction is a gather and a sum.
        self._index = {name: i for i, name in enumerate(self.weights)}
        self._matrix = np.array(
            list(self.weights.values()) or [[0.0] * len(self.bias)], dtype=np.float64
        )
        self._bias = np.array(self.bias, dtype=np.float64)

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        rows, values = [], []
        for name, value in features.items():
            i = self._index.get(name)
            if i is not None:
                rows.append(i)
                values.append(value)
        scores = self._bias + (np.asarray(values) @ self._matrix[rows] if rows else 0.0)
        if len(self.classes) == 2 and len(scores) == 1:  # binary: one score for classes[1]
            p = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        exps = np.exp(scores - scores.max())
        exps /= exps.sum()
        return dict(zip(self.classes, exps.tolist(), strict=True))

    def best(self, features: dict[str, float]) -> tuple[str, float]:
        probs = self.proba(features)
        label = max(probs, key=probs.__getitem__)
        return label, probs[label]

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            classes=list(data["classes"]), bias=list(data["bias"]), weights=dict(data["weights"])
        )


DECISIONS = ("event", "role", "status")
# Each decision has a model without the rules' answers as features ("model") and one with them
# ("both"); in "both", the event decision keeps the rules' events unless that model is sure.
MODEL_NAMES = tuple(f"{d}/{v}" for d in ("event", "role", "status") for v in ("model", "both"))
NEVER = 1.01  # a threshold no probability reaches


@dataclass
class Decisions:
    """The trained models and how each decision combines with the rules.

    `modes[decision]` is "rules" (the rules decide), "model" (a model trained without the
    rules' answers as features) or "both" (a model that also sees the rules' answers).
    """

    models: dict[str, LinearModel]  # "event/model", "event/both", "role/model", ...
    modes: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DECISIONS, "both"))
    keep_threshold: float = 0.5  # a sentence the rules left becomes an event under this P(none)
    drop_threshold: float = NEVER  # a rule's event is dropped at this P(none) or more
    retype_threshold: float = NEVER  # ... and takes another type at this probability or more
    meta: dict[str, Any] = field(default_factory=dict)

    def model(self, decision: str) -> LinearModel:
        return self.models[f"{decision}/{self.modes[decision]}"]

    def with_modes(self, **modes: str) -> Decisions:
        return replace(self, modes={**self.modes, **modes})

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "modes": self.modes,
            "keep_threshold": self.keep_threshold,
            "drop_threshold": self.drop_threshold,
            "retype_threshold": self.retype_threshold,
            "models": {name: m.to_json() for name, m in sorted(self.models.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decisions:
        return cls(
            models={name: LinearModel.from_json(m) for name, m in data["models"].items()},
            modes={**dict.fromkeys(DECISIONS, "both"), **(data.get("modes") or {})},
            keep_threshold=float(data.get("keep_threshold", 0.5)),
            drop_threshold=float(data.get("drop_threshold", NEVER)),
            retype_threshold=float(data.get("retype_threshold", NEVER)),
            meta=dict(data.get("meta") or {}),
        )


def load_decisions(path: str | Path | None = None) -> Decisions | None:
    """The shipped (or given) trained decisions; None when none were trained."""
    target = Path(path) if path is not None else MODEL_PATH
    if not target.exists():
        return None
    return Decisions.from_json(json.loads(target.read_text("utf-8")))
