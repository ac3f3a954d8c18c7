"""tests/services.py: a server that cannot be had is a clear failure, never a silent skip."""
import pytest

import services


def test_a_port_taken_by_another_server_is_a_clear_error(monkeypatch, redis_service):
    # PostgreSQL asked for on the port where our Redis listens: refused, with the reason
    monkeypatch.setattr(services, "PG_PORT", redis_service.port)
    with pytest.raises(services.ServiceUnavailable, match=f"port {redis_service.port} is taken by another server"):
        services.ensure_postgres()


def test_services_are_reused_not_started_twice(postgres_service, redis_service):
    again_pg, again_redis = services.ensure_postgres(), services.ensure_redis()
    assert (again_pg.url, again_redis.url) == (postgres_service.url, redis_service.url)
    assert not again_pg.started_here and not again_redis.started_here
