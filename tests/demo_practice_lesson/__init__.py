"""A third-party lesson's exercise package for the practice tests (nothing of nnlessons' own)."""
