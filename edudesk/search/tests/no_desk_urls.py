"""A URL configuration without the desk, for rendering the results partial on its own."""

urlpatterns: list = []
