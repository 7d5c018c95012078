"""Developer and operator commands; each has --help."""
