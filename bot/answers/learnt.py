"""How likely a question is of a kind, learnt from labelled questions.

For a kind, a logistic regression over two embeddings of a question (its asking sentences and
the whole of it) is fitted to the labelled questions of bot.report.labelled (that kind against
all others), once per process, embedder and kind. The plan (bot.answers.plan) asks them:
- off-topic: a standalone question found very likely off-topic, that names nothing of the
  report and that no indexed passage comes close to, is refused; one found very unlikely is not
  refused on the weaker cues (the domain comparison, the phrasing alone);
- overview, advise, risks: a question the cues leave to a plain look-up is read as the kind
  found likely (LearntKinds.kind).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path

import numpy as np

from bot.index.embedding import Embedder
from bot.index.vector_table import load_vectors, save_vectors, stored_vectors
from bot.report.labelled import Labelled, labelled_questions

REGULARISATION = 3.0  # inverse strength of the L2 penalty (larger fits the examples closer)
NEWTON_STEPS = 25
LIKELY = 0.75  # refused at this probability or above (when nothing indexed comes close)
CERTAIN = 0.9  # ...and at this one, even when a word of a list or an item is named ("authors")
UNLIKELY = 0.05  # never refused on the weaker cues below this
LEARNT_KIND = 0.75  # a look-up this likely of another kind is read as that kind


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


class KindModel:
    """The fitted regression of one kind; `probability` of a question from its two vectors."""

    def __init__(self, weights: np.ndarray) -> None:
        self.weights = np.asarray(weights, dtype=np.float32)  # as the vector table keeps them

    @classmethod
    def fit(
        cls, embed: Callable[[list[str]], np.ndarray], examples: Sequence[Labelled], kind: str
    ) -> KindModel | None:
        """Fitted to these examples, `kind` against the others (None when there are none of
        one or the other); an example that teaches another kind alone is left out."""
        examples = [e for e in examples if e.teaches in ("", kind)]
        labels = np.array([e.kind == kind for e in examples], dtype=float)
        if not examples or labels.min() == labels.max():
            return None
        texts = list(dict.fromkeys(t for e in examples for t in (e.asking, e.question)))
        vectors = dict(zip(texts, np.asarray(embed(texts)), strict=True))
        x = np.array([np.concatenate([vectors[e.asking], vectors[e.question]]) for e in examples])
        return cls(fit_logistic(x, labels))

    def probability(self, asking: np.ndarray, whole: np.ndarray) -> float:
        score = float(np.concatenate([asking, whole]) @ self.weights[:-1] + self.weights[-1])
        return float(1.0 / (1.0 + np.exp(-score)))


_models: dict[tuple[int, str], KindModel | None] = {}
_lock = threading.Lock()
WEIGHTS = "kind_models.npz"  # fitted weights kept with an index generation, by kind


def kind_model(key: int, kind: str, make: Callable[[], KindModel | None]) -> KindModel | None:
    """The model of a kind for an embedder (`key` names it), made on first need."""
    if (key, kind) not in _models:
        with _lock:
            if (key, kind) not in _models:
                _models[(key, kind)] = make()
    return _models[(key, kind)]


def fingerprint(examples: Sequence[Labelled], model_path: str) -> str:
    """What fitted weights depend on: the examples and the embedding model."""
    digest = hashlib.sha256(Path(model_path).name.encode())
    for e in examples:
        digest.update(f"\x00{e.kind}\x00{e.teaches}\x00{e.asking}\x00{e.question}".encode())
    digest.update(f"\x00{REGULARISATION}".encode())
    return digest.hexdigest()


class LearntKinds:
    """The kind models of one embedder; the examples' vectors come from the live generation's
    vector table (ingest stores them), the missing ones embedded and added."""

    def __init__(self, embedder: Embedder, folder: Callable[[], Path | None] | None = None) -> None:
        self.embedder = embedder
        self.folder = folder

    def _embed(self, texts: list[str]) -> np.ndarray:
        with stored_vectors(self.folder() if self.folder else None, self.embedder) as stored:
            return stored.embed(texts)

    def _make(self, kind: str) -> KindModel | None:
        """The model of a kind: its weights as saved with the live generation, or fitted (and
        saved there for the next process)."""
        examples = labelled_questions()
        folder = self.folder() if self.folder is not None else None
        stamp = fingerprint(examples, self.embedder.model_path)
        saved = load_vectors(folder, stamp, WEIGHTS) if folder is not None else {}
        if kind in saved:
            return KindModel(saved[kind])
        model = KindModel.fit(self._embed, examples, kind)
        if model is not None and folder is not None and folder.is_dir():
            with suppress(OSError):  # a folder that cannot be written is left as it is
                save_vectors(folder, stamp, {**saved, kind: model.weights}, WEIGHTS)
        return model

    def likelihood(self, kind: str, asking: np.ndarray, whole: np.ndarray) -> float:
        """How likely a question is of a kind, from the vectors of its asking part and of all
        of it; 0.5, neither likely nor unlikely, without a model."""
        model = kind_model(id(self.embedder), kind, lambda: self._make(kind))
        return 0.5 if model is None else model.probability(asking, whole)

    def kind(
        self, has_company: bool, names_model: bool, asking: np.ndarray, whole: np.ndarray
    ) -> str | None:
        """The kind, among those the cues can miss, that the models find at least LEARNT_KIND
        likely for a question the cues leave to a look-up ("Why do manufacturers struggle when
        they move to services?" asks for risks): advice only for a company that describes
        itself, an overview only of the whole report."""
        kinds = ["risks", *(["advise"] if has_company else []),
                 *([] if names_model else ["overview"])]
        scores = {k: self.likelihood(k, asking, whole) for k in kinds}
        best = max(scores, key=lambda k: scores[k])
        return best if scores[best] >= LEARNT_KIND else None
