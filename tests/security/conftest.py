import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Lockout tests make dozens of sign-in attempts; a real PBKDF2 round costs ~0.3 s each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
