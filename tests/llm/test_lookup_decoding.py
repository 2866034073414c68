"""The n-gram lookup that drafts tokens for prompt-lookup decoding (the decoding itself runs under
``-m slow`` in test_llama_cpp.py)."""

from tablepilot.llm.lookup_decoding import _Lookup


def test_drafts_what_followed_the_latest_occurrence_of_the_longest_tail() -> None:
    look = _Lookup([1, 2, 3, 4, 5, 9, 2, 3, 7, 8])
    look.add(2)
    look.add(3)
    assert look.draft(3) == [7, 8, 2]  # "2 3" was last followed by 7 8 (then the 2 just written)
    look.add(4)
    assert look.draft(2) == [5, 9]  # "2 3 4" occurs once, early on


def test_falls_back_to_shorter_tails_and_to_nothing() -> None:
    look = _Lookup([5, 6, 7])
    look.add(6)
    assert look.draft(4) == [7, 6]  # only the 1-gram "6" matches
    look.add(42)
    assert look.draft(3) == []  # never seen: no draft, a plain one-token step
    assert _Lookup([]).draft(3) == []
