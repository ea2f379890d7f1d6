"""Operations: health and Prometheus metrics."""
