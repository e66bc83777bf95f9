"""Readers' mail links: confirm an address, unsubscribe from a thread or the site."""

from django.urls import path

from comments.notify import views

urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="notify-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notify-unsubscribe"),
]
