"""Data curation: deduplication, leak-free splits, audits and provenance."""
