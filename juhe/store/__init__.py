"""The document store: the embedded SecantusDB child process and its launcher."""
