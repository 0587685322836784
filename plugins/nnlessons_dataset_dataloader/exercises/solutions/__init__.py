"""Reference solutions (shown by `nnlessons solution` only after a pass)."""
