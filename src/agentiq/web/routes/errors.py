"""The UI's error page: every non-API error renders inside our own calm layout."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from agentiq.web.templating import is_htmx, render

TITLES = {
    403: "Нет доступа",
    404: "Не найдено",
    409: "Конфликт",
    422: "Проверьте данные",
    429: "Слишком много попыток",
    500: "Что-то пошло не так",
    503: "Сервис временно недоступен",
}


def render_error(request: Request, status: int, message: str) -> Response:
    title = TITLES.get(status, "Ошибка")
    context = {"status": status, "title": title, "message": message}
    if is_htmx(request):
        # A swapped fragment must not embed a whole page; htmx shows this as a toast.
        return render(request, "error.html", context, status=status, block="error_box")
    return render(request, "error.html", context, status=status)
