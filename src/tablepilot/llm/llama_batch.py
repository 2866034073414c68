"""Several replies to one prompt decoded together in one llama.cpp batch.

On a CPU, writing a token is bound by reading the weights, not by arithmetic: one step that writes
a token for each of four sequences costs about 1.5× a step for one sequence. So the greedy reply and
a few sampled ones come for about the price of one and a half, and the prompt is read once (the
sequences share its KV cells; the context is made with ``kv_unified`` so they do not split it).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: sequences a context is made for: the greedy reply and up to three samples
MAX_SEQUENCES = 4
TOP_K = 40


@dataclass(frozen=True)
class Reply:
    text: str
    tokens: int
    finished: bool  # ended by end-of-turn or a stop sequence, not cut short


def widen(llama: Any, n_seq: int = MAX_SEQUENCES) -> None:
    """Remake ``llama``'s context so that ``n_seq`` sequences can share one KV cache of ``n_ctx`` cells.

    Must run before anything is evaluated. ``llama_cpp.Llama`` takes no sequence count, and a
    split cache would give each sequence only ``n_ctx / n_seq`` cells.
    """
    from llama_cpp import _internals

    params = llama.context_params
    params.n_seq_max = n_seq
    params.kv_unified = True
    old = llama._ctx
    llama._ctx = _internals.LlamaContext(model=llama._model, params=params, verbose=False)
    old.close()
    llama.n_tokens = 0


def decode_together(
    llama: Any,
    tokens: Sequence[int],
    *,
    n: int,
    temperature: float,
    max_tokens: int,
    stop: Sequence[str],
    seed: int = 0,
) -> list[Reply]:
    """Sequence 0 greedy, sequences 1..n-1 sampled (top-k, ``temperature``), all after ``tokens``.

    The prompt is read on sequence 0 from wherever the KV cache stops matching it, so a cached table
    description is not read again. Afterwards the cache holds the prompt minus its last token (the
    next call re-reads that one token to get fresh logits), and nothing of the replies. A sample
    still going well past the end of the greedy reply (``_length_limit``) is cut off and marked
    unfinished.
    """
    import llama_cpp

    n = max(1, min(n, int(llama.context_params.n_seq_max)))
    ctx = llama._ctx.ctx
    memory = llama_cpp.llama_get_memory(ctx)
    vocab = llama._model.vocab
    n_vocab = int(llama.n_vocab())
    logits = read_prompt(llama, tokens)
    start = len(tokens)
    for s in range(1, n):
        llama_cpp.llama_memory_seq_cp(memory, 0, s, -1, -1)
    rows = dict.fromkeys(range(n), logits)
    rng = np.random.default_rng(seed)
    written: list[list[int]] = [[] for _ in range(n)]
    texts = [b""] * n
    finished = [False] * n
    alive = list(range(n))
    stops = [s.encode("utf-8") for s in stop if s]
    batch = llama_cpp.llama_batch_init(n, 0, 1)
    try:
        for step in range(max_tokens):
            going: list[tuple[int, int]] = []
            for s in alive:
                token = _pick(rows[s], 0.0 if s == 0 else temperature, rng)
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    finished[s] = True
                    continue
                written[s].append(token)
                texts[s] += llama.detokenize([token])
                if any(x in texts[s] for x in stops):
                    finished[s] = True
                    continue
                if s > 0 and finished[0] and len(written[s]) > _length_limit(len(written[0])):
                    continue  # a ramble: cut off, unfinished
                going.append((s, token))
            alive = [s for s, _ in going]
            if not going:
                break
            batch.n_tokens = len(going)
            for i, (s, token) in enumerate(going):
                batch.token[i] = token
                batch.pos[i] = start + step
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = s
                batch.logits[i] = 1
            if int(llama_cpp.llama_decode(ctx, batch)) != 0:
                raise RuntimeError("llama_decode failed (the context may be full)")
            for i, (s, _) in enumerate(going):
                rows[s] = logits_row(llama_cpp.llama_get_logits_ith(ctx, i), n_vocab)
    finally:
        llama_cpp.llama_batch_free(batch)
        for s in range(1, n):
            llama_cpp.llama_memory_seq_rm(memory, s, -1, -1)
        llama_cpp.llama_memory_seq_rm(memory, 0, start - 1, -1)
        llama.n_tokens = start - 1
    return [
        Reply(text=cut_at_stop(texts[s], stop), tokens=len(written[s]), finished=finished[s])
        for s in range(n)
    ]


def _length_limit(greedy: int) -> int:
    """How long a sample may run on once the greedy reply has ended: writing tokens is most of a
    question's time, and a query much longer than the most likely one is rarely the right one."""
    return greedy + max(8, greedy // 4)


def read_prompt(llama: Any, prompt: Sequence[int]) -> np.ndarray[Any, Any]:
    """Read ``prompt`` on sequence 0 from where the KV cache stops matching it; the logits after it.
    Its last token is always read again, as the logits of a cached prompt are not kept."""
    import llama_cpp

    llama.n_tokens = min(held_prefix(llama, prompt), len(prompt) - 1)
    llama.eval(list(prompt[llama.n_tokens :]))
    return logits_row(llama_cpp.llama_get_logits_ith(llama._ctx.ctx, -1), int(llama.n_vocab()))


def cut_at_stop(written: bytes, stop: Sequence[str]) -> str:
    """The reply's text, ending before the first stop sequence in it."""
    text = written.decode("utf-8", errors="replace")
    for x in stop:
        if x and x in text:
            text = text[: text.index(x)]
    return text


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if int(x) != int(y):
            break
        n += 1
    return n


def held_prefix(llama: Any, prompt: Sequence[int]) -> int:
    """How many leading tokens of ``prompt`` the context's KV cache already holds."""
    return common_prefix(llama.input_ids[: llama.n_tokens], prompt)


def logits_row(pointer: Any, n_vocab: int) -> np.ndarray[Any, Any]:
    return np.ctypeslib.as_array(
        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_float)), shape=(n_vocab,)
    ).copy()


def _pick(logits: np.ndarray[Any, Any], temperature: float, rng: np.random.Generator) -> int:
    if temperature <= 0:
        return int(np.argmax(logits))
    top = np.argpartition(logits, -TOP_K)[-TOP_K:]
    z = logits[top].astype(np.float64) / temperature
    p = np.exp(z - z.max())
    return int(top[rng.choice(len(top), p=p / p.sum())])
