from django.urls import path

from moderation import relays_views, views

app_name = "moderation"
urlpatterns = [
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/<int:user_id>/", views.block_change, name="block"),
    path("report/<str:target_type>/<int:target_id>/", views.report_create, name="report"),
    path("my-reports/", views.my_reports, name="my-reports"),
    path("moderation-decisions/", views.statements, name="statements"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/reports/<int:report_id>/act/", views.act, name="act"),
    path("moderation/log/", views.log, name="log"),
    path("moderation/relays/", relays_views.relays, name="relays"),
]
