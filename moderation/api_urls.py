from django.urls import path

from moderation import api

urlpatterns = [
    path("blocks", api.BlockListView.as_view(), name="api-blocks"),
    path("blocks/<int:user_id>", api.BlockView.as_view(), name="api-block"),
    path("reports", api.ReportListCreateView.as_view(), name="api-reports"),
    path("me/statements", api.StatementListView.as_view(), name="api-statements"),
    path(
        "moderation/reports", api.ModerationReportListView.as_view(), name="api-moderation-reports"
    ),
    path(
        "moderation/reports/<int:pk>/actions",
        api.ModerationActionCreateView.as_view(),
        name="api-moderation-actions",
    ),
    path("moderation/log", api.ModerationLogView.as_view(), name="api-moderation-log"),
]
