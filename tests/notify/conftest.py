from tests.notify.smtp import smtp

__all__ = ["smtp"]
