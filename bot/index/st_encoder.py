"""The sentence-transformers (torch) encoder: the reference the ONNX encoder is checked against.

Nothing on the query or ingest path uses it; tests and `make bench` compare against it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.errors import AdvisorError
from bot.index.embedding import SMALL_BATCH, quiet_hf


class TorchEmbedder:
    """Normalised sentence embeddings from sentence-transformers on torch (the old path)."""

    def __init__(self, model_path: str) -> None:
        if not Path(model_path).is_dir():
            raise AdvisorError(f"embedding model folder not found: {model_path}")
        quiet_hf()
        from sentence_transformers import SentenceTransformer

        self.model_path = model_path
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self._lock = threading.Lock()
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
            torch.set_num_threads(1 if len(texts) <= SMALL_BATCH else self._threads)
            vectors = self._model.encode(
                list(texts), batch_size=batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]
