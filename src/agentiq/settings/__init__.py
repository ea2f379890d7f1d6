"""Per-seller settings changed at run time: AI assistant, auto-answer, reply window."""
