"""Who may see which seller: the one place that turns a user into their sellers."""
