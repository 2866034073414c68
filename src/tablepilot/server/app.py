"""The HTTP API (and the page that uses only it): ``create_app(settings)`` builds the FastAPI app.

Shapes: an answer is exactly ``Answer.to_dict()`` (the CLI's ``--json``); every error is
``{"error": TablepilotError.to_dict()}`` with the error's HTTP status. Blocking work (loading files,
asking) runs in worker threads; the model itself is shared and called one request at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tablepilot.errors import InputError, LoadError, TablepilotError
from tablepilot.export import MEDIA_TYPES, to_csv, to_xlsx
from tablepilot.server.auth import RateLimiter, bearer_token, parse_token, secret_matches
from tablepilot.server.config import ServerSettings
from tablepilot.server.errors import (
    AuthError,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    UploadTooLargeError,
)
from tablepilot.server.model_queue import QueuedLLM
from tablepilot.server.sessions import SessionPool
from tablepilot.server.store import SessionRow, Store
from tablepilot.server.uploads import remove_upload, save_upload, user_folder

log = logging.getLogger("tablepilot.server")
T = TypeVar("T")
SessionId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$", description="a session id")]

# -- request and response models (they are the OpenAPI spec) ------------------------------------------


class ErrorBody(BaseModel):
    code: str
    message: str
    hint: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class NewSession(BaseModel):
    title: str = Field("", max_length=200)


class SessionOut(BaseModel):
    id: str
    title: str
    created: float


class Question(BaseModel):
    question: str = Field(..., min_length=1, max_length=2000)


class AnswerOut(BaseModel):
    """``Answer.to_dict()``: the same shape as ``tablepilot ask --json``."""

    question: str
    answer: list[str]
    text: str
    sql: str | None
    code: str | None
    method: str = "sql"
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    chart: dict[str, Any] | None
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    backend: str
    model: str
    attempts: list[dict[str, Any]]
    notes: list[str] = []
    error: dict[str, Any] | None
    table: dict[str, Any] | None = None  # the table a request made (``tablepilot.workspace``)
    metrics: list[str] = []
    explanation: str | None = None


class TurnOut(BaseModel):
    id: int
    session_id: str
    question: str
    answer: AnswerOut
    sql: str | None
    ok: bool
    seconds: float
    timings: dict[str, float]
    created: float


class HistoryOut(BaseModel):
    turns: list[TurnOut]


class ColumnOut(BaseModel):
    name: str
    type: str


class PreviewOut(BaseModel):
    columns: list[str]
    rows: list[list[Any]]


class TableOut(BaseModel):
    name: str
    file: str
    sheet: str | None
    row_count: int
    columns: list[ColumnOut]
    notes: list[str]
    preview: PreviewOut


class TablesOut(BaseModel):
    tables: list[TableOut]


class UploadOut(BaseModel):
    id: str
    filename: str
    size: int
    sha256: str
    created: float


class UploadResult(BaseModel):
    upload: UploadOut
    tables: list[TableOut]


class SessionDetail(SessionOut):
    uploads: list[UploadOut]


class MeOut(BaseModel):
    user: str
    token_id: str


class HealthOut(BaseModel):
    status: str
    backend: str
    model: str
    queue: int


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 404, 413, 415, 422, 429, 502, 504)
}

# -- the app ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    user: str
    token_id: str


class Server:
    """The state behind one app: settings, store, model queue, live sessions, limiter."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        inner = settings.llm
        if inner is None:
            from tablepilot.llm.resolve import resolve_backend

            inner = resolve_backend(
                backend=settings.backend,
                base_url=settings.base_url,
                model=settings.model,
                api_key=settings.api_key,
            )
        self.llm = QueuedLLM(inner)
        self.store = Store(settings.db_path)
        self.pool = SessionPool(
            self.store, self.llm, options=settings.ask_options, max_live=settings.max_live_sessions
        )
        self.limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.workers = anyio.CapacityLimiter(settings.max_workers)

    def close(self) -> None:
        self.pool.close()
        self.store.close()

    def authenticate(self, authorization: str | None) -> Principal:
        token_id, secret = parse_token(bearer_token(authorization))
        row = self.store.token(token_id)
        if row is None or row.revoked is not None or not secret_matches(secret, row.salt, row.digest):
            raise AuthError(
                "the API token is unknown or revoked",
                hint="create a new one with `tablepilot token create --user NAME`",
            )
        self.limiter.hit(token_id)
        return Principal(row.user, token_id)

    def session(self, session_id: str, who: Principal) -> SessionRow:
        row = self.store.session(session_id, who.user)
        if row is None:
            raise NotFoundError("no such session", hint="list your sessions with GET /api/sessions")
        return row

    async def in_thread(self, func: Callable[[], T]) -> T:
        """Run blocking work in a worker thread, bounded by the request timeout."""
        timeout = self.settings.request_timeout_s
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(func, limiter=self.workers, abandon_on_cancel=True)
        except TimeoutError:
            raise RequestTimeoutError(
                f"the request took longer than {timeout:g} s",
                hint="the model queue may be long; retry later, or ask the admin to raise --request-timeout",
            ) from None


BEARER = HTTPBearer(auto_error=False, description="`tablepilot token create --user NAME` prints one")


def principal(
    request: Request, _creds: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> Principal:
    """Who is asking: a valid, unrevoked token within its rate limit (a FastAPI dependency)."""
    server: Server = request.app.state.server
    return server.authenticate(request.headers.get("authorization"))


Who = Annotated[Principal, Depends(principal)]


def error_response(exc: TablepilotError) -> JSONResponse:
    headers = {}
    if isinstance(exc, RateLimitError):
        headers["Retry-After"] = str(max(1, round(float(exc.data.get("retry_after", 1)) + 0.5)))
    if isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"error": exc.to_dict()}, status_code=exc.http_status, headers=headers)


def create_app(settings: ServerSettings) -> FastAPI:
    server = Server(settings)
    app = FastAPI(
        title="tablepilot",
        version="1",
        summary="Ask questions about your spreadsheets; every number comes from an executed SQL query.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.server = server
    app.router.add_event_handler("shutdown", server.close)

    # -- errors, limits, timeouts ------------------------------------------------------------------

    @app.exception_handler(TablepilotError)
    async def _tablepilot_error(_request: Request, exc: TablepilotError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
        err = InputError(
            "the request is not valid: " + "; ".join(problems[:5]),
            hint="see the API description at /api/docs",
        )
        err.http_status = 422
        return error_response(err)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        body = {"code": code, "message": str(exc.detail), "hint": "see the API description at /api/docs"}
        return JSONResponse({"error": body}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _internal_error(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error")
        body = {
            "code": "internal_error",
            "message": f"internal error: {type(exc).__name__}",
            "hint": "this is a bug in tablepilot; the server log has the details",
        }
        return JSONResponse({"error": body}, status_code=500)

    @app.middleware("http")
    async def _limits(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_upload_bytes + (1 << 20):
            return error_response(
                UploadTooLargeError(
                    f"the request body is larger than the upload limit of {settings.max_upload_bytes / 1e6:g} MB",
                    hint="upload a smaller extract, or ask the admin to raise --max-upload-mb",
                    limit_bytes=settings.max_upload_bytes,
                )
            )
        try:
            with anyio.fail_after(settings.request_timeout_s + 5):
                response = await call_next(request)
        except TimeoutError:
            return error_response(
                RequestTimeoutError(
                    f"the request took longer than {settings.request_timeout_s:g} s", hint="retry later"
                )
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    # -- API -----------------------------------------------------------------------------------------

    @app.get("/api/health", response_model=HealthOut, tags=["server"])
    def health() -> dict[str, Any]:
        """Liveness and the model in use; needs no token."""
        return {
            "status": "ok",
            "backend": server.llm.backend,
            "model": server.llm.model,
            "queue": server.llm.lock.waiting,
        }

    @app.get("/api/me", response_model=MeOut, responses=ERRORS, tags=["server"])
    def me(who: Who) -> dict[str, Any]:
        return {"user": who.user, "token_id": who.token_id}

    @app.post(
        "/api/sessions", status_code=201, response_model=SessionOut, responses=ERRORS, tags=["sessions"]
    )
    def create_session(who: Who, body: NewSession | None = None) -> dict[str, Any]:
        row = server.store.create_session(who.user, (body.title if body else "").strip())
        return {"id": row.id, "title": row.title, "created": row.created}

    @app.get("/api/sessions", response_model=list[SessionOut], responses=ERRORS, tags=["sessions"])
    def list_sessions(who: Who) -> list[dict[str, Any]]:
        return [{"id": r.id, "title": r.title, "created": r.created} for r in server.store.sessions(who.user)]

    @app.get("/api/sessions/{session_id}", response_model=SessionDetail, responses=ERRORS, tags=["sessions"])
    def get_session(session_id: SessionId, who: Who) -> dict[str, Any]:
        row = server.session(session_id, who)
        return {
            "id": row.id,
            "title": row.title,
            "created": row.created,
            "uploads": [_upload_json(u) for u in server.store.uploads(row.id)],
        }

    @app.post(
        "/api/sessions/{session_id}/files",
        status_code=201,
        response_model=UploadResult,
        responses=ERRORS,
        tags=["data"],
    )
    async def upload_file(
        session_id: SessionId, who: Who, file: Annotated[UploadFile, File(description="a data file")]
    ) -> dict[str, Any]:
        """Add a file to the session: CSV/TSV, Excel, Parquet, JSON, SQLite or DuckDB (checked by content)."""
        row = server.session(session_id, who)
        if len(server.store.uploads(row.id)) >= settings.max_files_per_session:
            raise InputError(
                f"this session already has {settings.max_files_per_session} files",
                hint="start a new session for more data",
            )
        folder = settings.files_dir / user_folder(who.user) / row.id

        def work() -> dict[str, Any]:
            path, size, digest = save_upload(
                file.file, file.filename or "upload", folder, max_bytes=settings.max_upload_bytes
            )
            try:
                session, upload = server.pool.add_file(row, path, size, digest)
            except LoadError as exc:  # say it with the user's file name, never the server's path
                remove_upload(path)
                message = exc.message.replace(str(path), path.name).replace(str(path.parent), "")
                raise LoadError(message, hint=exc.hint, path=path.name) from None
            except BaseException:
                remove_upload(path)
                raise
            from tablepilot.server.sessions import table_json

            mine = [t for t in session.engine.tables() if t.source and Path(t.source) == path]
            return {
                "upload": _upload_json(upload),
                "tables": [table_json(session, t, settings.preview_rows) for t in mine],
            }

        try:
            return await server.in_thread(work)
        finally:
            await file.close()

    @app.get("/api/sessions/{session_id}/tables", response_model=TablesOut, responses=ERRORS, tags=["data"])
    async def list_tables(
        session_id: SessionId,
        who: Who,
        preview_rows: Annotated[int, Query(ge=0, le=100)] = settings.preview_rows,
    ) -> dict[str, Any]:
        """The session's tables with their columns and the first rows."""
        row = server.session(session_id, who)
        return {"tables": await server.in_thread(lambda: server.pool.tables(row, preview_rows))}

    @app.post("/api/sessions/{session_id}/ask", response_model=AnswerOut, responses=ERRORS, tags=["ask"])
    async def ask(session_id: SessionId, body: Question, who: Who, response: Response) -> dict[str, Any]:
        """Answer a question. The turn is stored before this responds; ``X-Turn-Id`` names it."""
        row = server.session(session_id, who)
        answer, turn = await server.in_thread(lambda: server.pool.ask(row, body.question))
        response.headers["X-Turn-Id"] = str(turn.id)
        response.headers["Location"] = f"/api/sessions/{row.id}/turns/{turn.id}"
        return answer.to_dict()

    @app.post(
        "/api/sessions/{session_id}/ask/stream",
        responses={**ERRORS, 200: {"content": {"text/event-stream": {}}, "description": "progress events"}},
        response_class=StreamingResponse,
        tags=["ask"],
    )
    async def ask_stream(session_id: SessionId, body: Question, who: Who) -> StreamingResponse:
        """Server-sent events: ``stage`` (understanding, writing SQL, running), then one ``answer``
        (data: the answer JSON, id: the stored turn id) or one ``error`` (data: ``{"error": …}``)."""
        row = server.session(session_id, who)
        return StreamingResponse(
            _sse_ask(server, row, body.question),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    @app.get("/api/sessions/{session_id}/history", response_model=HistoryOut, responses=ERRORS, tags=["ask"])
    def history(
        session_id: SessionId,
        who: Who,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, Any]:
        """Stored questions and answers in order; page with ``after`` (the last id seen)."""
        row = server.session(session_id, who)
        return {
            "turns": [t.to_dict() for t in server.store.turns(row.id, who.user, after=after, limit=limit)]
        }

    @app.get(
        "/api/sessions/{session_id}/turns/{turn_id}", response_model=TurnOut, responses=ERRORS, tags=["ask"]
    )
    def get_turn(
        session_id: SessionId, turn_id: Annotated[int, PathParam(ge=1, le=2**62)], who: Who
    ) -> dict[str, Any]:
        row = server.session(session_id, who)
        turn = server.store.turn(row.id, turn_id, who.user)
        if turn is None:
            raise NotFoundError("no such answer in this session", hint="list them with GET …/history")
        return turn.to_dict()

    @app.get(
        "/api/sessions/{session_id}/turns/{turn_id}/result.{fmt}",
        responses={**ERRORS, 200: {"content": {MEDIA_TYPES["csv"]: {}, MEDIA_TYPES["xlsx"]: {}}}},
        response_class=Response,
        tags=["ask"],
    )
    async def download(
        session_id: SessionId,
        turn_id: Annotated[int, PathParam(ge=1, le=2**62)],
        fmt: Literal["csv", "xlsx"],
        who: Who,
    ) -> Response:
        """The answer's result table as CSV or XLSX (all rows, re-queried if the answer was cut)."""
        row = server.session(session_id, who)
        turn = server.store.turn(row.id, turn_id, who.user)
        if turn is None:
            raise NotFoundError("no such answer in this session", hint="list them with GET …/history")
        if not turn.ok or not turn.answer.get("columns"):
            raise InputError("this answer has no result table", hint="download an answer that shows a table")
        columns, rows = list(turn.answer["columns"]), list(turn.answer["rows"])
        if turn.answer.get("truncated") and turn.sql:
            columns, rows = await server.in_thread(
                lambda: server.pool.rerun(row, str(turn.sql), settings.download_max_rows)
            )
        data = await server.in_thread(lambda: (to_csv if fmt == "csv" else to_xlsx)(columns, rows))
        name = f"tablepilot-{turn.id}.{fmt}"
        return Response(
            data,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # -- the page ------------------------------------------------------------------------------------

    static = Path(str(resources.files("tablepilot.server").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html", headers={"Cache-Control": "no-cache"})

    return app


def _upload_json(u: Any) -> dict[str, Any]:
    return {"id": u.id, "filename": u.filename, "size": u.size, "sha256": u.sha256, "created": u.created}


def _event(name: str, data: Any, event_id: int | None = None) -> bytes:
    head = f"event: {name}\n" + (f"id: {event_id}\n" if event_id is not None else "")
    return (head + f"data: {json.dumps(data, ensure_ascii=False)}\n\n").encode("utf-8")


async def _sse_ask(server: Server, row: SessionRow, question: str) -> AsyncIterator[bytes]:
    """Stream stages while a worker thread answers; the ``answer`` event follows the committed turn."""
    loop = asyncio.get_running_loop()
    stages: asyncio.Queue[str] = asyncio.Queue()

    def progress(stage: str) -> None:
        loop.call_soon_threadsafe(stages.put_nowait, stage)

    task = asyncio.ensure_future(server.in_thread(lambda: server.pool.ask(row, question, progress)))
    yield b": stream open\n\n"
    while not task.done():
        getter = asyncio.ensure_future(stages.get())
        done, _ = await asyncio.wait({getter, task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            yield _event("stage", {"stage": getter.result()})
        else:
            getter.cancel()
            if not done:
                yield b": keep-alive\n\n"
    while not stages.empty():
        yield _event("stage", {"stage": stages.get_nowait()})
    try:
        answer, turn = task.result()
    except TablepilotError as exc:
        yield _event("error", {"error": exc.to_dict()})
        return
    except Exception as exc:
        log.exception("internal error while streaming an answer")
        yield _event(
            "error",
            {
                "error": {
                    "code": "internal_error",
                    "message": f"internal error: {type(exc).__name__}",
                    "hint": "see the server log",
                }
            },
        )
        return
    yield _event("stage", {"stage": "answer"})
    yield _event("answer", answer.to_dict(), turn.id)
