"""SQL checks and extraction."""
