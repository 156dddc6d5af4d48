"""The seeded help categories, in both languages."""

CATEGORIES = [
    # slug, English, French, icon
    ("groceries", "Groceries", "Courses", "🛒"),
    ("errands", "Errands", "Petites commissions", "📦"),
    ("diy", "DIY and repairs", "Bricolage et réparations", "🔧"),
    ("gardening", "Gardening", "Jardinage", "🌱"),
    ("pets", "Pets", "Animaux", "🐾"),
    ("rides", "Accompaniment and rides", "Accompagnement et trajets", "🚶"),
    ("paperwork", "Paperwork and digital help", "Démarches et aide numérique", "📄"),
    ("company", "Company and visits", "Compagnie et visites", "☕"),
    ("childcare", "Childcare", "Garde d'enfants", "🧸"),
    ("other", "Other", "Autre", "🤝"),
]


def categories_ensure(category_model) -> None:
    """Creates or refreshes the seeded categories. Takes the model so that data
    migrations can pass their historical one."""
    for position, (slug, name_en, name_fr, icon) in enumerate(CATEGORIES):
        category_model.objects.update_or_create(
            slug=slug,
            defaults={"name_en": name_en, "name_fr": name_fr, "icon": icon, "position": position},
        )
