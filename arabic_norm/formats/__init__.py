"""WHICH BYTES: record formats whose text fields are normalized and everything else kept (`jsonl`:
JSON Lines, `table`: CSV/TSV; `records`: what they share)."""
