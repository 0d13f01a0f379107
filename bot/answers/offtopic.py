"""How likely a question is to ask for something outside the report, learnt from examples.

A logistic regression over two embeddings of a question (its asking sentences and the whole of
it) is fitted to the labelled questions of bot.report.labelled, once per process and embedder.
The plan (bot.answers.plan) refuses a standalone question the model finds very likely off-topic
and that no indexed passage comes close to, and no longer refuses on its weaker cues (the domain
comparison, the phrasing alone) a question the model finds very unlikely off-topic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from bot.report.labelled import Labelled, labelled_questions

REGULARISATION = 3.0  # inverse strength of the L2 penalty (larger fits the examples closer)
NEWTON_STEPS = 25
LIKELY = 0.8  # refused at this probability or above (when nothing indexed comes close)
UNLIKELY = 0.05  # never refused on the weaker cues below this


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = REGULARISATION) -> np.ndarray:
    """Weights (the bias last) of an L2-penalised logistic regression with balanced class
    weights, by Newton's method: minimises ½‖w‖² + c Σ sᵢ log(1 + e^(−ȳᵢ·(w·xᵢ + b)))."""
    z = np.hstack([x, np.ones((len(x), 1))])
    positives = max(int(y.sum()), 1)
    negatives = max(len(y) - positives, 1)
    s = np.where(y, len(y) / (2 * positives), len(y) / (2 * negatives))
    penalty = np.eye(z.shape[1])
    penalty[-1, -1] = 0.0  # the bias is not penalised
    w = np.zeros(z.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = penalty @ w + c * z.T @ (s * (p - y))
        hessian = penalty + c * (z.T * (s * p * (1 - p))) @ z
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return w


class OffTopicModel:
    """The fitted regression; `probability` of a question from its two vectors."""

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = weights

    @classmethod
    def fit(
        cls, embed: Callable[[list[str]], np.ndarray], examples: Sequence[Labelled]
    ) -> OffTopicModel | None:
        """Fitted to these examples (None when there are none of one label)."""
        labels = np.array([e.offtopic for e in examples], dtype=float)
        if not examples or labels.min() == labels.max():
            return None
        texts = list(dict.fromkeys(t for e in examples for t in (e.asking, e.question)))
        vectors = dict(zip(texts, np.asarray(embed(texts)), strict=True))
        x = np.array([np.concatenate([vectors[e.asking], vectors[e.question]]) for e in examples])
        return cls(fit_logistic(x, labels))

    def probability(self, asking: np.ndarray, whole: np.ndarray) -> float:
        score = float(np.concatenate([asking, whole]) @ self.weights[:-1] + self.weights[-1])
        return float(1.0 / (1.0 + np.exp(-score)))


_models: dict[int, OffTopicModel | None] = {}
_lock = threading.Lock()


def off_topic_model(key: int, embed: Callable[[list[str]], np.ndarray]) -> OffTopicModel | None:
    """The model fitted with this embedder (`key` names it), fitted on first need."""
    if key not in _models:
        with _lock:
            if key not in _models:
                _models[key] = OffTopicModel.fit(embed, labelled_questions())
    return _models[key]
