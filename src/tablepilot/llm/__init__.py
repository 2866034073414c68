"""LLM backends: OpenAI-compatible HTTP, embedded llama.cpp, scripted fake."""
