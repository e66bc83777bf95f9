"""The framework floor: the smallest Django + DRF app that answers the same bytes.

    BENCH_FLOOR_PAYLOAD=thread.json gunicorn bench.sbs_floor:application
    BENCH_FLOOR_DATABASE_URL=postgres://... BENCH_FLOOR_BROKER_URL=redis://... \\
        gunicorn bench.sbs_floor:application                  # the submit floor

GET `/thread/` answers the thread page held in memory (DRF renders it, as it renders
ours), with an ETag and a 304 for a matching If-None-Match; POST `/thread/` validates a
comment with a DRF serializer and answers 201 (nothing stored). No middleware, no
database, no authentication: what any DRF service pays before doing its own work.

The submit floor adds POST `/submit/`: the same validation, then one INSERT of a pending
row in PostgreSQL (a plain statement in a transaction) and, after the commit, one Celery
task carrying its id (bench/sbs_floor_worker.py): what any design of this service's shape
pays per submit before its own sanitizing, checks and scoring.
"""

import json
import os
from typing import Any

import dj_database_url
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="framework-floor-bench-only",  # noqa: S106 (a throwaway bench app)
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        MIDDLEWARE=[],
        # The submit floor's database (persistent connections, as the service's); the
        # framework floor has none.
        DATABASES={"default": dj_database_url.config("BENCH_FLOOR_DATABASE_URL", conn_max_age=60)}
        if os.environ.get("BENCH_FLOOR_DATABASE_URL")
        else {},
        USE_TZ=True,
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "UNAUTHENTICATED_USER": None,
        },
    )

import django

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

ETAG = '"floor-1"'


def _payload() -> Any:
    name = os.environ.get("BENCH_FLOOR_PAYLOAD", "")
    if not name:
        return {"next": None, "previous": None, "results": []}
    with open(name, encoding="utf-8") as handle:
        return json.load(handle)


PAYLOAD = _payload()


class CommentIn(serializers.Serializer[Any]):
    author_name = serializers.CharField(max_length=200)
    author_email = serializers.EmailField(max_length=254)
    author_url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    body = serializers.CharField(max_length=100_000, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True)


class Thread(APIView):
    def get(self, request: Request) -> Response:
        if request.META.get("HTTP_IF_NONE_MATCH") == ETAG:
            return Response(status=304, headers={"ETag": ETAG})
        return Response(PAYLOAD, headers={"ETag": ETAG})

    def post(self, request: Request) -> Response:
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data, status=201)


if settings.DATABASES:  # the submit floor: Django is set up, its Celery app can come in
    from bench.sbs_floor_worker import verdict


class Submit(APIView):
    def post(self, request: Request) -> Response:
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = data.validated_data
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO floor_comment (author, email, body, status, created_at) "
                "VALUES (%s, %s, %s, 'pending', now()) RETURNING id",
                [comment["author_name"], comment["author_email"], comment["body"]],
            )
            comment_id = cursor.fetchone()[0]
            transaction.on_commit(lambda: verdict.delay(comment_id), robust=True)
        return Response({"id": comment_id, **comment}, status=201)


urlpatterns = [path("thread/", Thread.as_view())]
if settings.DATABASES:
    urlpatterns.append(path("submit/", Submit.as_view()))
application = get_wsgi_application()
