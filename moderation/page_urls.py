"""Pages (not API) that moderation serves: the confirm page behind decision links in mail."""

from django.urls import path

from moderation import decide

urlpatterns = [
    path("decide/<str:token>/", decide.decide, name="moderation-decide"),
]
