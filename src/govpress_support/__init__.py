"""govpress-support: the GovPress support rota from the terminal."""

__version__ = "0.1.0"
