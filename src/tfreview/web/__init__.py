"""The HTTP face of the service (FastAPI lives only here): webhooks, the API, health.

Build the app with `tfreview.web.app.create_app(services)`; nothing is read from the environment.
"""
