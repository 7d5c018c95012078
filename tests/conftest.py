"""The root of the suite: every fixture module of tests/fixtures/, loaded once, so no test imports one."""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.emulator",
    "tests.fixtures.users",
    "tests.fixtures.fcm",
    "tests.fixtures.youth",
    "tests.fixtures.events",
    "tests.fixtures.content",
    "tests.fixtures.console",
    "tests.fixtures.engine",
    "tests.fixtures.index_coverage",
]
