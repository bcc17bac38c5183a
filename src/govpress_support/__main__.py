"""`python -m govpress_support` runs the same entry point as the console script."""

from govpress_support.cli.entry import main

if __name__ == "__main__":
    main()
