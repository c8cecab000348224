"""The test suite, run by pytest from the root of the repository (see README.md)."""
