"""The indexed text's short phrases, embedded, for telling whether a phrase of a question is said
in the text in other words (bot.answers.asked.unsaid_phrases and
bot.answers.compounds.unsaid_compounds)."""

from __future__ import annotations

import numpy as np

from bot.answers.scope import Vocabulary
from bot.index.embedding import Embedder
from bot.index.lexical import tokenize


class PhraseIndex:
    """The text's short phrases (bot.answers.scope.Vocabulary.phrases), embedded once."""

    def __init__(self, vocab: Vocabulary, embedder: Embedder) -> None:
        self.vocab = vocab
        self.embedder = embedder
        self.tokens = [frozenset(tokenize(p)) for p in vocab.phrases]
        self.vectors = np.asarray(embedder.embed(vocab.phrases))

    def closest(self, phrase: str) -> float:
        """The similarity of a phrase to the nearest of the text's phrases that is more than a
        part of it ("edge computing" is not found in "edge" alone)."""
        if not len(self.vectors):
            return 0.0
        own = frozenset(tokenize(phrase))
        sims = self.vectors @ self.embedder.embed_one(phrase)
        for i in np.argsort(-sims)[:50]:
            if not self.tokens[i] <= own:
                return float(sims[i])
        return 0.0
