"""Loading files and database files into the engine."""
