"""Earned autonomy: auto-answers per bucket (channel × rating × intent), earned in shadow."""
