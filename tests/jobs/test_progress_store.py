"""Job progress lives in Redis when jobs go through Redis (any web node reads it), in a file when they run
inline, and in a file when Redis did not answer at the start; a record never splits between the two."""

from redis import Redis

from app.services.customers import progress


def test_with_redis_the_record_is_a_redis_hash_any_node_reads(app, db, redis_url):
    app.config["REDIS_URL"] = redis_url
    try:
        token = progress.create("export", 7, filename="客户资料.xlsx")
        progress.write(token, state="running", total=120)
        progress.write(token, done=60)
        assert not progress.path_for(token, ".json").exists()
        stored = Redis.from_url(redis_url).hgetall(progress.KEY_PREFIX + token)
        assert stored[b"done"] == b"60" and Redis.from_url(redis_url).ttl(progress.KEY_PREFIX + token) > 0
        status = progress.owned(token, 7)
        assert (status["state"], status["done"], status["total"], status["filename"]) == ("running", 60, 120,
                                                                                           "客户资料.xlsx")
        assert progress.owned(token, 8) is None and progress.owned("../" + token[3:], 7) is None
    finally:
        app.config["REDIS_URL"] = None


def test_a_record_started_while_redis_is_down_stays_in_its_file(app, db, redis_url):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", REDIS_CONNECT_TIMEOUT=0.2)
    try:
        token = progress.create("import", 7)
        assert progress.path_for(token, ".json").exists() and progress.read(token)["state"] == "queued"
        app.config["REDIS_URL"] = redis_url  # Redis answers again: the job's updates go where its record is
        progress.write(token, state="done", message="成功导入 3 个客户")
        assert not Redis.from_url(redis_url).exists(progress.KEY_PREFIX + token)
        assert progress.owned(token, 7)["message"] == "成功导入 3 个客户"
    finally:
        app.config["REDIS_URL"] = None


def test_without_redis_the_record_is_a_file(app, db):
    token = progress.create("export", 7)
    progress.write(token, state="failed", error="导出失败：MemoryError")
    assert progress.path_for(token, ".json").exists()
    assert progress.owned(token, 7)["error"] == "导出失败：MemoryError"
