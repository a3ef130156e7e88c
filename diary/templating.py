"""What every template may use: navigation for the role, the asset version."""

from flask_login import current_user

NAV = {
    "patient": [
        ("entries.today", "Today"),
        ("entries.history", "History"),
        ("charts.index", "Charts"),
        ("sharing.index", "Sharing"),
    ],
    "physician": [("physician.patients", "Patients")],
}


def navigation(app):
    """The nav items of the signed-in user's role whose pages exist in this app."""
    if not current_user.is_authenticated:
        return []
    return [(ep, label) for ep, label in NAV.get(current_user.role, []) if ep in app.view_functions]


def init_app(app):
    @app.context_processor
    def inject():
        return {"nav_items": navigation(app)}
