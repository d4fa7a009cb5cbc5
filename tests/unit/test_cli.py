"""What `juhe` says: the up banner (the operator token only while it is the development default),
one-line refusals, and help that lists every command and setting."""

from __future__ import annotations

from typer.testing import CliRunner

from juhe.cli import cli
from juhe.console import banner
from juhe.settings import DEV_ADMIN_TOKEN, Settings
from juhe.worker_processes import WorkerProcess
from workers.registry import WORKERS


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
    processes = [WorkerProcess(101, ["order", "inventory"]), WorkerProcess(102, ["wallet"])]
    lines = banner(settings, "http://127.0.0.1:15672/", processes)
    assert not any(secret in line or "s3cret" in line for line in lines)
    assert lines == [
        "Juhe is up: API http://127.0.0.1:8000  (docs at /docs)",
        "  broker: amqp://guest:***@127.0.0.1:5672/  (management http://127.0.0.1:15672/)",
        "  store:  mongodb://127.0.0.1:27017/",
        "  data:   .juhe  namespace: juhe",
        "  workers: pid 101 (order, inventory); pid 102 (wallet)",
        "Press Ctrl-C to stop.",
    ]


def test_an_unknown_worker_is_one_line_listing_the_known_ones() -> None:
    result = CliRunner().invoke(cli, ["worker", "nope"])
    assert result.exit_code == 2
    known = ", ".join(sorted(WORKERS))
    assert result.output == f"juhe: unknown worker nope; known: {known}\n"


def test_a_bad_setting_is_one_line_naming_it() -> None:
    result = CliRunner().invoke(cli, ["up"], env={"JUHE_API_PORT": "eighty"})
    assert result.exit_code == 2
    assert result.output == (
        "juhe: invalid setting JUHE_API_PORT: Input should be a valid integer, "
        "unable to parse string as an integer\n"
    )


def test_help_lists_every_command_and_every_setting_with_its_default() -> None:
    shown = CliRunner().invoke(cli, ["--help"], terminal_width=200).output
    for command in ("up", "worker", "api", "store", "broker", "audit", "demo", "namespace"):
        assert f"  {command} " in shown
    for name in Settings.model_fields:
        assert f"JUHE_{name.upper()} " in shown
    assert "JUHE_FUNDS_HOLD_SECONDS                 1800" in shown
