"""Reference solutions: `nnlessons solution` shows one after the exercise passes."""
