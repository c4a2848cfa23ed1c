"""One progress endpoint for every long job (导出Excel, 客户资料导入): the bar of templates/admin/_job_progress.html
polls it. Only the user who started the job reads its progress; any other token is a 404."""

from flask import Blueprint, abort, jsonify
from flask_login import current_user, login_required

from app.services.customers import progress

bp = Blueprint("job_progress", __name__)


@bp.route("/jobs/<token>/progress.json")
@login_required
def progress_json(token):
    status = progress.owned(token, current_user.id)
    if status is None:
        abort(404)
    response = jsonify(state=status.get("state"), done=status.get("done") or 0, total=status.get("total"),
                       error=status.get("error"))
    response.cache_control.no_store = True
    return response
