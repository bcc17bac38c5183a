"""govpress-support: the GovPress support rota from the terminal."""

from govpress_support import lighter_httpx

__version__ = "0.1.0"

lighter_httpx.install()  # httpx without its command-line program: start-up is benchmarked
