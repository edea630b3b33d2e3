from django.contrib.auth import views as auth_views
from django.urls import path

from meili.accounts.views import PasswordChange, api_tokens, revoke_api_token

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", PasswordChange.as_view(), name="password_change"),
    path("account/tokens/", api_tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", revoke_api_token, name="api_token_revoke"),
]
