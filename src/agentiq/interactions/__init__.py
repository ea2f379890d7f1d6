"""The operator inbox: list/filter/search queries, item detail, actions, timeline."""
