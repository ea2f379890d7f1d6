"""Replies: approve → outbox row in the same transaction → dispatcher sends to WB exactly once."""
