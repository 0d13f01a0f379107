"""A one-time export of the sentence-transformers model to ONNX, cached beside the index.

The export is the only place torch and transformers are imported; once the file exists, queries
and ingest run on ONNX Runtime alone (bot.index.embedding).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

from bot.errors import AdvisorError

ONNX_OPSET = 17
EXPORT_VERSION = 1  # bump when the exported graph changes, so old files are not reused
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def model_fingerprint(model_path: str) -> str:
    """A short hash of the model folder's weights and configuration (name, sizes, mtimes)."""
    root = Path(model_path)
    digest = hashlib.sha256(f"{root.name}|v{EXPORT_VERSION}".encode())
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        st = file.stat()
        digest.update(f"{file.relative_to(root)}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """Where ONNX files go when no data directory is given: the user's cache folder."""
    return Path.home() / ".cache" / "mbm-advisor"


def onnx_path(model_path: str, cache_dir: Path | None) -> Path:
    """The ONNX file of a model folder inside a cache (data) directory."""
    folder = (cache_dir if cache_dir is not None else default_cache_dir()) / "models"
    return folder / f"{Path(model_path).name}-{model_fingerprint(model_path)}.onnx"


def uses_token_types(model_path: str) -> bool:
    """Whether the model takes token_type_ids (BERT-style models do)."""
    try:
        config = json.loads((Path(model_path) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return int(config.get("type_vocab_size", 0) or 0) > 0


def ensure_onnx(model_path: str, cache_dir: Path | None, local: bool = False) -> Path:
    """The ONNX file for a model folder, exported (a few seconds, with torch) when missing.

    Looked for in `cache_dir` (the data directory), then in the user's cache folder; a new
    export goes to the user's cache folder, so every data directory and the web app share it.
    With `local`, the file is also linked (or copied) into `cache_dir`, so the data directory
    holds all it needs.
    """
    target = onnx_path(model_path, cache_dir)
    if target.is_file():
        return target
    shared = onnx_path(model_path, None)
    if not shared.is_file():
        try:
            shared.parent.mkdir(parents=True, exist_ok=True)
            export_onnx(model_path, shared)
        except OSError:  # no writable user cache: export straight into the data directory
            _mkdir(target.parent)
            export_onnx(model_path, target)
            return target
    if local and target != shared:
        _mkdir(target.parent)
        _link_or_copy(shared, target)
        return target
    return shared


def _mkdir(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AdvisorError(f"cannot create {folder} for the exported model: {exc.strerror}") \
            from exc


def _link_or_copy(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_onnx(model_path: str, target: Path) -> None:
    """Export the transformer of a sentence-transformers folder to `target`, atomically."""
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise AdvisorError(
            f"exporting the embedding model needs torch and transformers ({exc.name} is missing)"
        ) from exc
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    names = INPUTS if uses_token_types(model_path) else INPUTS[:2]

    class _Encoder(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    model = AutoModel.from_pretrained(
        model_path, local_files_only=True, attn_implementation="eager"
    ).eval()
    sample = tuple(torch.ones(2, 8, dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*names, "last_hidden_state")}
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)  # raises OSError where the folder is not writable (callers fall back)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Encoder(model), sample, tmp, input_names=list(names),
                output_names=["last_hidden_state"], dynamic_axes=axes,
                opset_version=ONNX_OPSET, dynamo=False,
            )
        os.replace(tmp, target)
    except Exception as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, AdvisorError):
            raise
        reason = " ".join(str(exc).split())[:200]
        raise AdvisorError(f"cannot export the embedding model {model_path} to ONNX: {reason}") \
            from exc
