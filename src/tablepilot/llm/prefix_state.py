"""Saved llama.cpp states of fixed prompt prefixes, so a new process does not re-read them.

The SQL instructions and worked examples open every prompt and never change; reading them costs
the 1.5B model about 10 s on two cores. After the first time, their KV cache (≈15 MB) is kept in
the cache directory, keyed by the model file and the exact tokens, and restored in milliseconds by
the next process (a one-question ``tablepilot ask``, the demo, a test run). Any problem with a saved
file (unreadable, from another llama.cpp build, cut short) means it is read again and rewritten:
the cache can only save time, never change an answer.
"""

from __future__ import annotations

import hashlib
import os
import struct
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tablepilot import settings
from tablepilot.llm.base import Message
from tablepilot.llm.llama_batch import MAX_SEQUENCES

_MAGIC = b"TPKV2\n"
SENTINEL = "\u2063TABLEPILOT-PREFIX-END\u2063"


def _formatter(llama: Any) -> Any:
    """The formatter ``create_chat_completion`` uses for a model's own chat template; None without one."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    eos, bos = llama.token_eos(), llama.token_bos()
    return Jinja2ChatFormatter(
        template=template,
        eos_token=llama._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llama._model.token_get_text(bos) if bos != -1 else "",
        stop_token_ids=[eos],
    )


def chat_tokens(llama: Any, messages: Sequence[Message]) -> list[int] | None:
    """The prompt tokens ``create_chat_completion`` would read for ``messages`` (its chat template
    rendered the same way); None when the model has no template of its own."""
    formatter = _formatter(llama)
    if formatter is None or getattr(llama, "chat_format", None) != "chat_template.default":
        return None
    result = formatter(messages=[{"role": m.role, "content": m.content} for m in messages])
    tokens: list[int] = llama.tokenize(
        result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
    )
    return tokens


def prefix_tokens(llama: Any, opening: Sequence[Message]) -> list[int]:
    """The tokens every chat prompt that opens with ``opening`` (its last message continued) begins with."""
    formatter = _formatter(llama)
    if formatter is None:
        return []
    if not opening:
        return []
    *whole, last = opening
    chat: list[Any] = [{"role": m.role, "content": m.content} for m in whole]
    chat += [{"role": last.role, "content": last.content + SENTINEL}, {"role": "user", "content": "?"}]
    prompt = formatter(messages=chat).prompt
    if SENTINEL not in prompt:
        return []
    head = prompt[: prompt.index(SENTINEL)]
    tokens: list[int] = llama.tokenize(head.encode("utf-8"), add_bos=True, special=True)
    return tokens[:-1]  # the last token may merge with the text that follows it


def cache_file(model_path: Path, n_ctx: int, tokens: Sequence[int], directory: Path | None = None) -> Path:
    stat = model_path.stat()
    # the context's shape is part of the key: a state saved from another one may not restore
    shape = f"{n_ctx}|seq{MAX_SEQUENCES}"
    h = hashlib.sha256(f"{model_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{shape}|".encode())
    h.update(np.asarray(tokens, dtype=np.int32).tobytes())
    import llama_cpp

    h.update(getattr(llama_cpp, "__version__", "").encode())
    return (directory or settings.cache_dir() / "kv") / f"{h.hexdigest()[:32]}.kv"


def holds(llama: Any, tokens: Sequence[int]) -> bool:
    """Whether the model's KV cache already starts with ``tokens``."""
    n = len(tokens)
    return n > 0 and llama.n_tokens >= n and list(llama.input_ids[:n]) == list(tokens)


def restore(llama: Any, path: Path, tokens: Sequence[int]) -> bool:
    """Load a saved state for exactly ``tokens``; False (and the file removed) when it is unusable."""
    import ctypes

    import llama_cpp

    try:
        data = path.read_bytes()
    except OSError:
        return False
    try:
        if not data.startswith(_MAGIC):
            raise ValueError("not a saved state")
        (n,) = struct.unpack_from("<I", data, len(_MAGIC))
        start = len(_MAGIC) + 4
        ids = np.frombuffer(data, dtype=np.intc, count=n, offset=start)
        if n != len(tokens) or list(ids) != list(tokens):
            raise ValueError("saved for other tokens")
        digest, blob = data[start + 4 * n : start + 4 * n + 32], data[start + 4 * n + 32 :]
        if hashlib.sha256(blob).digest() != digest:
            raise ValueError("the saved state is damaged")  # a wrong cache must never change an answer
        # not Llama.load_state(): it writes a logits row into every one of n_batch rows (~300 MB)
        buffer = (ctypes.c_uint8 * len(blob)).from_buffer_copy(blob)
        if int(llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, len(blob))) != len(blob):
            raise RuntimeError("llama.cpp did not take the saved state")
        llama.input_ids[:n] = ids
        llama.n_tokens = n
    except (ValueError, RuntimeError, struct.error):
        llama.reset()
        try:
            path.unlink()
        except OSError:
            pass
        return False
    return True


def save(llama: Any, path: Path, tokens: Sequence[int]) -> None:
    """Write the current state (which must hold exactly ``tokens``); silently skipped when the cache
    directory is not writable."""
    import ctypes

    import llama_cpp

    # not Llama.save_state(): it also copies up to n_batch rows of logits (~300 MB for Qwen)
    size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * int(size))()
    written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
    if written > int(size):
        return
    blob = ctypes.string_at(buffer, written)
    del buffer
    payload = _MAGIC + struct.pack("<I", len(tokens)) + np.asarray(tokens, dtype=np.intc).tobytes()
    payload += hashlib.sha256(blob).digest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kv-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.write(blob)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


_TOKENS: dict[tuple[str, int, tuple[Message, ...]], list[int]] = {}


def prime(
    llama: Any, model_path: Path, n_ctx: int, opening: Sequence[Message], directory: Path | None = None
) -> str:
    """Make the KV cache start with ``opening``'s tokens: "held", "restored" or "computed"."""
    key = (str(model_path), id(llama), tuple(opening))
    if key not in _TOKENS:  # rendering the chat template costs milliseconds; once per opening
        _TOKENS[key] = prefix_tokens(llama, opening)
    tokens = _TOKENS[key]
    if not tokens or holds(llama, tokens):
        return "held"
    path = cache_file(model_path, n_ctx, tokens, directory)
    if path.is_file() and restore(llama, path, tokens):
        return "restored"
    llama.reset()
    llama.eval(tokens)
    save(llama, path, tokens)
    return "computed"
