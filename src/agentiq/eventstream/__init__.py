"""Live updates: small signals published after commit, streamed to the seller over SSE."""
