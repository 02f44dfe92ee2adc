"""URLs of profiles (the account pages themselves are allauth's, under accounts/)."""

from django.urls import path

from packagegrid.accounts import views

urlpatterns = [
    path("accounts/profile/", views.my_profile, name="profile-mine"),
    # Before the profile route: "edit" would otherwise be read as an account name.
    path("profiles/edit/", views.profile_edit, name="profile-edit"),
    path("profiles/api-keys/", views.api_keys, name="api-keys"),
    path("profiles/api-keys/<id:key_id>/revoke/", views.api_key_revoke_view, name="api-key-revoke"),
    path("profiles/<str:account>/", views.profile_detail, name="profile"),
]
