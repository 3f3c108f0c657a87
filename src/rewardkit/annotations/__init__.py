"""Human annotations: readers, agreement, quorum and aggregation."""
