"""Allow ``python -m nnlessons``."""

from nnlessons.cli import main

if __name__ == "__main__":
    main()
