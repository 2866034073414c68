"""LlamaCppLLM: configuration errors always; the real embedded model under ``-m slow``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from tablepilot.errors import BackendError, ConfigError, ModelStoreError
from tablepilot.llm import llama_cpp as backend
from tablepilot.llm.base import Message
from tablepilot.llm.model_store import resolve_model_path


def test_missing_llama_cpp_names_the_install_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # makes `import llama_cpp` raise ImportError
    with pytest.raises(ConfigError) as info:
        backend.LlamaCppLLM(tmp_path / "m.gguf")
    assert "pip install 'tablepilot[local]'" in (info.value.hint or "")
    assert "CMAKE_ARGS" in (info.value.hint or "")


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (" 1 ", 1)])
def test_threads_from_env(value: str, expected: int) -> None:
    assert backend.default_threads({"TABLEPILOT_THREADS": value}) == expected


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_bad_threads_env(value: str) -> None:
    with pytest.raises(ConfigError, match="TABLEPILOT_THREADS"):
        backend.default_threads({"TABLEPILOT_THREADS": value})


def test_default_threads_are_the_usable_cpus() -> None:
    assert 1 <= backend.default_threads({}) <= (__import__("os").cpu_count() or 1)


def test_missing_or_broken_model_file(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    with pytest.raises(ConfigError, match="does not exist"):
        backend.LlamaCppLLM(tmp_path / "absent.gguf").load()
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"this is not a gguf file" * 100)
    with pytest.raises(BackendError, match="could not load") as info:
        backend.LlamaCppLLM(junk).complete([Message("user", "hi")])
    assert "tablepilot model install" in (info.value.hint or "")


# --- the real model (minutes on a small CPU; run with `-m slow`) ---------------------------------


@pytest.fixture(scope="module")
def llm() -> backend.LlamaCppLLM:
    pytest.importorskip("llama_cpp")
    try:
        path = resolve_model_path("default")
    except ModelStoreError:
        pytest.skip("the default model is not installed (tablepilot model install)")
    return backend.LlamaCppLLM(path, n_ctx=2048)


SYSTEM = Message("system", "You write DuckDB SQL. Reply with one SELECT statement in a ```sql block.")
SCHEMA = "CREATE TABLE sales (region VARCHAR, product VARCHAR, amount INTEGER, sold_on DATE);"


def ask(question: str) -> list[Message]:
    return [SYSTEM, Message("user", f"{SCHEMA}\nQuestion: {question}")]


@pytest.mark.slow
def test_greedy_reply_is_sql_and_reproducible(llm: backend.LlamaCppLLM) -> None:
    first = llm.complete(ask("What is the total amount per region?"), max_tokens=64)
    again = llm.complete(ask("What is the total amount per region?"), max_tokens=64)
    assert first.text == again.text
    assert "SELECT" in first.text.upper() and "sales" in first.text
    assert first.prompt_tokens > 40 and 0 < first.completion_tokens <= 64
    assert llm.backend == "llama.cpp" and llm.model.endswith(".gguf")


@pytest.mark.slow
def test_stop_sequence_and_max_tokens(llm: backend.LlamaCppLLM) -> None:
    out = llm.complete(ask("How many rows are there?"), max_tokens=64, stop=["FROM"])
    assert "FROM" not in out.text and "SELECT" in out.text.upper()
    short = llm.complete(ask("List every product sold in 2024 with its amount."), max_tokens=3)
    assert short.completion_tokens <= 3


@pytest.mark.slow
def test_model_is_loaded_once_per_process(llm: backend.LlamaCppLLM) -> None:
    twin = backend.LlamaCppLLM(llm.path, n_ctx=2048, n_threads=llm.n_threads)
    assert twin.load() is llm.load()


@pytest.mark.slow
def test_shared_prefix_is_not_re_evaluated(llm: backend.LlamaCppLLM) -> None:
    long_schema = "\n".join(f"-- column c{i} INTEGER holds readings from sensor {i}" for i in range(60))
    prefix = [SYSTEM, Message("user", f"{long_schema}\n{SCHEMA}\nQuestion: ")]

    def timed(question: str) -> float:
        messages = [*prefix[:1], Message("user", prefix[1].content + question)]
        start = time.perf_counter()
        llm.complete(messages, max_tokens=1)
        return time.perf_counter() - start

    cold = timed("Which region sold the most?")
    warm = timed("Which product had the lowest amount in March?")
    assert warm < cold / 2, (cold, warm)


@pytest.mark.slow
def test_concurrent_calls_are_serialised(llm: backend.LlamaCppLLM) -> None:
    results: list[str] = []

    def call() -> None:
        results.append(llm.complete(ask("How many rows are there?"), max_tokens=24).text)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]


@pytest.mark.slow
def test_prompt_over_the_context_window(llm: backend.LlamaCppLLM) -> None:
    huge = "column " * 3000
    with pytest.raises(BackendError, match="context window of 2048"):
        llm.complete([Message("user", huge)], max_tokens=8)


@pytest.mark.slow
def test_ram_cache_brings_back_an_earlier_prefix(llm: backend.LlamaCppLLM) -> None:
    cached = backend.LlamaCppLLM(llm.path, n_ctx=1024, n_threads=llm.n_threads, ram_cache_mb=256)

    def table(name: str) -> list[Message]:
        cols = "\n".join(f"  {name}_c{i} INTEGER, -- reading {i} of {name}" for i in range(25))
        return [SYSTEM, Message("user", f"CREATE TABLE {name} (\n{cols}\n);\nQuestion: ")]

    def timed(messages: list[Message], question: str) -> float:
        start = time.perf_counter()
        out = cached.complete([messages[0], Message("user", messages[1].content + question)], max_tokens=1)
        assert out.completion_tokens == 1
        return time.perf_counter() - start

    cold = timed(table("alpha"), "How many rows?")
    timed(table("beta"), "How many rows?")
    back = timed(table("alpha"), "What is the largest alpha_c3?")
    assert back < cold / 2, (cold, back)
    assert cached.load() is not llm.load()


@pytest.mark.slow
def test_saved_prompt_start_is_restored_and_gives_the_same_reply(
    llm: backend.LlamaCppLLM, tmp_path: Path
) -> None:
    from tablepilot.llm import prefix_state

    examples = "\n".join(f"-- example {i}: SELECT region FROM sales" for i in range(40))
    start = [SYSTEM, Message("user", examples), Message("assistant", "ok"), Message("system", "Tables:\n")]
    messages = [
        *start[:-1],
        Message("system", "Tables:\n" + SCHEMA),
        Message("user", "How many rows are there?"),
    ]
    llama = llm.load()
    llama.reset()
    t0 = time.perf_counter()
    assert prefix_state.prime(llama, llm.path, llm.n_ctx, start, tmp_path) == "computed"
    computed_s = time.perf_counter() - t0
    saved = list(tmp_path.glob("*.kv"))
    assert len(saved) == 1
    assert prefix_state.prime(llama, llm.path, llm.n_ctx, start, tmp_path) == "held"
    fresh = llm.complete(messages, max_tokens=40).text
    llama.reset()  # as in a new process
    t0 = time.perf_counter()
    assert prefix_state.prime(llama, llm.path, llm.n_ctx, start, tmp_path) == "restored"
    assert time.perf_counter() - t0 < computed_s / 3
    assert llm.complete(messages, max_tokens=40).text == fresh
    data = bytearray(saved[0].read_bytes())
    data[-1000] ^= 0xFF  # one damaged byte in the KV data: read again, never trusted
    saved[0].write_bytes(bytes(data))
    llama.reset()
    assert prefix_state.prime(llama, llm.path, llm.n_ctx, start, tmp_path) == "computed"
    assert llm.complete(messages, max_tokens=40).text == fresh
    blocked = tmp_path / "a-file"  # a cache directory that cannot be created (even as root)
    blocked.write_text("x")
    llama.reset()
    assert prefix_state.prime(llama, llm.path, llm.n_ctx, start, blocked / "kv") == "computed"
    assert llm.complete(messages, max_tokens=40).text == fresh


@pytest.mark.slow
def test_candidates_decoded_together(llm: backend.LlamaCppLLM) -> None:
    """The greedy reply of a batch is the plain greedy reply; the samples differ from it and end
    properly; and the KV cache afterwards gives the same greedy reply again."""
    messages = ask("Which region has the highest total amount in 2024?")
    plain = llm.complete(messages, max_tokens=80, stop=["\n```"])
    many = llm.complete_many(messages, n=4, temperature=1.0, max_tokens=80, stop=["\n```"])
    assert many[0].text == plain.text
    assert (
        many[0].prompt_tokens == plain.prompt_tokens and many[0].completion_tokens == plain.completion_tokens
    )
    assert 1 <= len(many) <= 4  # rambling samples are left out
    assert all("\n```" not in c.text and c.completion_tokens > 0 for c in many)
    assert len({c.text for c in many}) > 1  # at temperature 1 four replies are not all alike
    assert llm.complete(messages, max_tokens=80, stop=["\n```"]).text == plain.text
    again = llm.complete_many(messages, n=4, temperature=1.0, max_tokens=80, stop=["\n```"])
    assert [c.text for c in again] == [c.text for c in many]  # seeded: reproducible


@pytest.mark.slow
def test_one_candidate_is_the_plain_reply(llm: backend.LlamaCppLLM) -> None:
    messages = ask("How many rows are there?")
    assert [c.text for c in llm.complete_many(messages, n=1, temperature=0.7, max_tokens=40)] == [
        llm.complete(messages, max_tokens=40).text
    ]


@pytest.mark.slow
def test_lookup_decoding_writes_the_plain_greedy_reply(llm: backend.LlamaCppLLM) -> None:
    """Drafting from the prompt changes how many steps a reply takes, not the reply."""
    plain = backend.LlamaCppLLM(llm.path, n_ctx=2048, n_threads=llm.n_threads, lookup=False)
    for question in (
        "Which region has the highest total amount in 2024?",
        "List every product sold in March.",
    ):
        messages = ask(question)
        drafted = llm.complete(messages, max_tokens=80, stop=["\n```"])
        assert drafted.text == plain.complete(messages, max_tokens=80, stop=["\n```"]).text
        assert drafted.completion_tokens > 5
    cut = llm.complete(ask("List every product sold in 2024 with its amount."), max_tokens=4)
    assert cut.completion_tokens == 4  # a draft never runs past max_tokens
