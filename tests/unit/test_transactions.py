"""committed(): a view's change is committed and announced, or rolled back as a whole and explained."""

import pytest
from flask import get_flashed_messages
from sqlalchemy import select

from admin_views.transactions import committed
from app.services.errors import NotFound, ValidationFailed
from models.base_data import CustomerSource


@pytest.fixture()
def request_context(app, db):
    with app.test_request_context("/", method="POST"):
        yield


def saved(db, name) -> bool:
    """Whether a source of that name is in the database, read through a fresh session."""
    db.session.rollback()
    db.session.remove()
    return db.session.scalar(select(CustomerSource.id).where(CustomerSource.name == name)) is not None


def test_success_commits_and_flashes_the_message(db, request_context):
    with committed("来源已保存") as outcome:
        db.session.add(CustomerSource(name="测试来源甲"))
    assert not outcome.failed
    assert outcome.error is None and outcome.exception is None
    assert get_flashed_messages(with_categories=True) == [("success", "来源已保存")]
    assert saved(db, "测试来源甲")


def test_message_set_in_the_block_replaces_the_default(db, request_context):
    with committed("来源已保存") as outcome:
        rows = [CustomerSource(name=name) for name in ("测试来源甲", "测试来源乙")]
        db.session.add_all(rows)
        outcome.message = f"已添加 {len(rows)} 个来源"
    assert get_flashed_messages(with_categories=True) == [("success", "已添加 2 个来源")]
    assert saved(db, "测试来源甲") and saved(db, "测试来源乙")


def test_no_message_no_flash(db, request_context):
    with committed() as outcome:
        db.session.add(CustomerSource(name="测试来源甲"))
    assert not outcome.failed
    assert get_flashed_messages(with_categories=True) == []
    assert saved(db, "测试来源甲")


def test_domain_error_rolls_everything_back_and_flashes_it(db, request_context):
    with committed("来源已保存") as outcome:
        db.session.add(CustomerSource(name="测试来源甲"))
        db.session.flush()  # already sent to the database: the rollback must undo it too
        raise ValidationFailed("来源名称已存在")
    assert outcome.failed
    assert outcome.error == "来源名称已存在"
    assert isinstance(outcome.exception, ValidationFailed)
    assert get_flashed_messages(with_categories=True) == [("error", "来源名称已存在")]
    assert not saved(db, "测试来源甲")


def test_rollback_restores_changed_rows_for_code_after_the_block(db, request_context):
    source = CustomerSource(name="测试来源甲")
    db.session.add(source)
    db.session.commit()
    with committed() as outcome:
        source.name = "测试来源丙"
        db.session.flush()
        raise NotFound("来源不存在")
    assert outcome.failed and isinstance(outcome.exception, NotFound)
    assert db.session.get(CustomerSource, source.id).name == "测试来源甲"
    assert saved(db, "测试来源甲") and not saved(db, "测试来源丙")


def test_flash_error_false_leaves_the_error_to_the_page(db, request_context):
    with committed("来源已保存", flash_error=False) as outcome:
        db.session.add(CustomerSource(name="测试来源甲"))
        raise ValidationFailed("来源名称不能为空")
    assert outcome.failed
    assert outcome.error == "来源名称不能为空"
    assert get_flashed_messages(with_categories=True) == []
    assert not saved(db, "测试来源甲")


def test_other_exceptions_propagate_without_a_flash(db, request_context):
    with pytest.raises(RuntimeError, match="boom"), committed("来源已保存"):
        db.session.add(CustomerSource(name="测试来源甲"))
        db.session.flush()
        raise RuntimeError("boom")
    assert get_flashed_messages(with_categories=True) == []
    assert not saved(db, "测试来源甲")
