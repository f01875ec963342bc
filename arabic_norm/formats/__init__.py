"""WHICH BYTES: record formats whose text fields are normalized and everything else kept (`table`:
CSV/TSV, and for now JSONL)."""
