"""Cross-channel linking: the one place that decides which touches belong to one buyer's story.

Levels: A (same product within the seller's window: product context), B (the same order or
buyer id where WB gives one), C (a probabilistic score with its reasons, assist-only).
"""
