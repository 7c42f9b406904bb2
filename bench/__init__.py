"""Performance benchmark of the dashboard (``python -m bench``); not a test. Writes ``bench/results.json``."""
