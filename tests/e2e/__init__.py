"""End-to-end tests: the installed command against `sandbox serve` on a loopback port."""
