"""Rotation: the old credential lives until its grace ends; a rotation happens once; a late
older rotation never cuts a newer credential."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schemas.applications import RotateApiKey, RotateWebhookSecret
from workers.accounts.handlers import rotation
from workers.accounts.memory import MemoryAccountsRepository
from workers.accounts.model import ApiKey, Merchant, PullDelivery, Shop, SupplierAccount, expiry

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def merchant_with_key(repo: MemoryAccountsRepository) -> None:
    await repo.insert_merchant(Merchant(id="mch_1", name="小店", tier="standard", created_at=T0))
    await repo.insert_api_key(ApiKey(key_hash="k0", kind="merchant", owner_id="mch_1", created_at=T0))


def rotate_key(new: str, at: datetime, grace: int = 60) -> RotateApiKey:
    return RotateApiKey(
        correlation_id="mch_1",
        kind="merchant",
        owner_id="mch_1",
        new_key_hash=new,
        grace_seconds=grace,
        occurred_at=at,
    )


async def test_the_old_key_lives_until_its_grace_ends(repo: MemoryAccountsRepository) -> None:
    await merchant_with_key(repo)
    at = T0 + timedelta(minutes=1)
    rotated = await rotation.rotate_api_key(rotate_key("k1", at, grace=600), repo=repo)
    ends = expiry(at, 600)
    assert rotated == ({"previous_key_expires_at": "2026-03-01T08:11:00Z"}, [])
    old, new = repo.api_keys["k0"], repo.api_keys["k1"]
    assert (old.expires_at, new.expires_at) == (ends, None)
    assert old.live_at(ends - timedelta(milliseconds=1))
    assert not old.live_at(ends)
    assert new.live_at(ends + timedelta(days=365))


async def test_a_redelivered_rotation_rotates_once_and_a_late_older_one_cuts_nothing_newer(
    repo: MemoryAccountsRepository,
) -> None:
    await merchant_with_key(repo)
    first, later = rotate_key("k1", T0 + timedelta(seconds=10)), rotate_key("k2", T0 + timedelta(seconds=20))
    assert await rotation.rotate_api_key(first, repo=repo) == await rotation.rotate_api_key(first, repo=repo)
    await rotation.rotate_api_key(later, repo=repo)
    await rotation.rotate_api_key(first, repo=repo)  # a late redelivery
    assert {h: k.expires_at for h, k in repo.api_keys.items()} == {
        "k0": expiry(first.occurred_at, 60),
        "k1": expiry(later.occurred_at, 60),
        "k2": None,
    }


async def test_an_accounts_key_rotates_apart_from_the_main_key(repo: MemoryAccountsRepository) -> None:
    account = SupplierAccount(
        id="acc_1",
        supplier_id="sup_1",
        name="ERP",
        channel="erp",
        delivery=PullDelivery(mode="pull"),
        webhook_secret="whsec_a",
        created_at=T0,
    )
    await repo.insert_supplier_account(account)
    await repo.insert_api_key(ApiKey(key_hash="main", kind="supplier", owner_id="sup_1", created_at=T0))
    await repo.insert_api_key(
        ApiKey(key_hash="acc", kind="supplier", owner_id="sup_1", account_id="acc_1", created_at=T0)
    )
    command = RotateApiKey(
        correlation_id="sup_1",
        kind="supplier",
        owner_id="sup_1",
        new_key_hash="acc2",
        grace_seconds=0,
        account_id="acc_1",
        occurred_at=T0 + timedelta(seconds=1),
    )
    await rotation.rotate_api_key(command, repo=repo)
    assert {h: (k.account_id, k.expires_at) for h, k in repo.api_keys.items()} == {
        "main": (None, None),
        "acc": ("acc_1", expiry(command.occurred_at, 0)),
        "acc2": ("acc_1", None),
    }


async def test_rotating_the_key_of_an_unknown_holder_stores_no_key(repo: MemoryAccountsRepository) -> None:
    refused = await rotation.rotate_api_key(rotate_key("k1", T0), repo=repo)
    assert refused == ({"error": {"code": "not_found", "message": "merchant not found"}}, [])
    assert repo.api_keys == {}


def rotate_secret(new: str, at: datetime, owner: str = "mch_1") -> RotateWebhookSecret:
    return RotateWebhookSecret(
        correlation_id=owner,
        owner_id=owner,
        platform="generic",
        shop_id="s1",
        new_secret=new,
        grace_seconds=60,
        occurred_at=at,
    )


async def shop(repo: MemoryAccountsRepository) -> None:
    await repo.insert_shop(
        Shop(
            key="generic:s1",
            merchant_id="mch_1",
            platform="generic",
            shop_id="s1",
            webhook_secret="shsec_0",
            created_at=T0,
        )
    )


async def test_a_secret_rotation_keeps_the_previous_secret_until_its_grace_ends(
    repo: MemoryAccountsRepository,
) -> None:
    await shop(repo)
    first = rotate_secret("shsec_1", T0 + timedelta(seconds=10))
    answer = await rotation.rotate_webhook_secret(first, repo=repo)
    assert answer == ({"previous_secret_expires_at": "2026-03-01T08:01:10Z"}, [])
    assert await rotation.rotate_webhook_secret(first, repo=repo) == answer  # its redelivery
    stored = repo.shops["generic:s1"]
    assert (stored.webhook_secret, stored.previous_webhook_secret, stored.previous_secret_expires_at) == (
        "shsec_1",
        "shsec_0",
        expiry(first.occurred_at, 60),
    )


async def test_a_late_older_secret_rotation_is_refused_and_the_newer_secret_stays(
    repo: MemoryAccountsRepository,
) -> None:
    await shop(repo)
    first, later = (
        rotate_secret("shsec_1", T0 + timedelta(seconds=10)),
        rotate_secret("shsec_2", T0 + timedelta(seconds=20)),
    )
    await rotation.rotate_webhook_secret(first, repo=repo)
    await rotation.rotate_webhook_secret(later, repo=repo)
    late = await rotation.rotate_webhook_secret(
        rotate_secret("shsec_3", T0 + timedelta(seconds=15)), repo=repo
    )
    assert late[0]["error"] == {
        "code": "conflict",
        "message": "the shop's secret was rotated again after this request",
    }
    stored = repo.shops["generic:s1"]
    assert (stored.webhook_secret, stored.previous_webhook_secret) == ("shsec_2", "shsec_1")


async def test_another_merchants_shop_secret_is_not_found(repo: MemoryAccountsRepository) -> None:
    await shop(repo)
    refused = await rotation.rotate_webhook_secret(rotate_secret("shsec_x", T0, owner="mch_2"), repo=repo)
    assert refused[0]["error"] == {"code": "not_found", "message": "shop not found"}
    assert repo.shops["generic:s1"].webhook_secret == "shsec_0"


async def test_the_purge_removes_only_keys_whose_grace_has_ended(repo: MemoryAccountsRepository) -> None:
    await merchant_with_key(repo)
    await rotation.rotate_api_key(rotate_key("k1", T0 + timedelta(seconds=1), grace=60), repo=repo)
    assert await repo.purge_expired_keys(T0 + timedelta(seconds=30)) == 0
    assert await repo.purge_expired_keys(T0 + timedelta(seconds=62)) == 1
    assert list(repo.api_keys) == ["k1"]
