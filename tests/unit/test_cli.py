"""`juhe up` prints the operator token only when it is the development default."""

from __future__ import annotations

from juhe.console import banner
from juhe.settings import DEV_ADMIN_TOKEN, Settings


def test_the_development_token_is_printed() -> None:
    lines = banner(Settings(admin_token=DEV_ADMIN_TOKEN, api_port=8000))
    assert f"  operator token (development default): {DEV_ADMIN_TOKEN}" in lines


def test_a_configured_token_is_never_printed() -> None:
    secret = "a-real-secret-0123456789abcdef"
    settings = Settings(
        admin_token=secret,
        api_host="127.0.0.1",
        api_port=8000,
        amqp_url="amqp://guest:s3cret@127.0.0.1:5672/",
        mongodb_url="mongodb://127.0.0.1:27017/",
        namespace="juhe",
    )
    lines = banner(settings, "http://127.0.0.1:15672/")
    assert not any(secret in line or "s3cret" in line for line in lines)
    assert lines == [
        "Juhe is up: API http://127.0.0.1:8000  (docs at /docs)",
        "  broker: amqp://guest:***@127.0.0.1:5672/  (management http://127.0.0.1:15672/)",
        "  store:  mongodb://127.0.0.1:27017/",
        "  data:   .juhe  namespace: juhe",
        "Press Ctrl-C to stop.",
    ]
