from tests.chat.conftest import conversation, stranger  # noqa: F401 (shared fixtures)
