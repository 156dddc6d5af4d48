"""Personal data in public text (safety.content): what gets flagged before
publishing, and, as importantly, what ordinary sentences do not."""

import pytest
from django.utils import translation

from safety.content import Finding, findings_summary, personal_data_findings

FLAGGED = [
    ("Email me at jo.smith@example.org", ["email"]),
    # French phone numbers, every usual spelling.
    (
        "Bonjour, j'ai besoin d'aide pour porter mes courses au 3e étage, "
        "appelez-moi au 06 12 34 56 78",
        ["phone"],
    ),
    ("Mon numéro : 06.12.34.56.78, le soir de préférence.", ["phone"]),
    ("Vous pouvez me joindre au 06-12-34-56-78 après 18 h.", ["phone"]),
    ("Tél 0612345678 (laisser sonner longtemps, merci)", ["phone"]),
    ("Je suis joignable au +33 6 12 34 56 78 tous les jours.", ["phone"]),
    ("Appelez ma fille au +33 (0)6 12 34 56 78, elle organise tout.", ["phone"]),
    ("Depuis l'étranger : 0033 6 12 34 56 78.", ["phone"]),
    ("Fixe : 01 43 55 12 34, je n'ai pas de portable.", ["phone"]),
    # UK, US and international phone numbers.
    ("Happy to help with the shopping, ring me on +44 20 7946 0958.", ["phone"]),
    ("Text me on 07700 900123 if you need a lift to the surgery.", ["phone"]),
    ("My landline is 020 7946 0958, I'm in most afternoons.", ["phone"]),
    ("Call me at (555) 123-4567 any time before 8pm.", ["phone"]),
    ("You can reach my son at 555-123-4567.", ["phone"]),
    ("From abroad, dial +1 555 123 4567.", ["phone"]),
    # Email addresses, plain and obfuscated.
    ("Écrivez-moi à jean.dupont@orange.fr, je réponds vite.", ["email"]),
    ("Contact: marie.d+entraide@mail.example.co.uk", ["email"]),
    ("Email me: john [at] example [dot] com", ["email"]),
    ("write to john(at)example.com for details", ["email"]),
    ("my email is john at example dot com, thanks", ["email"]),
    ("Mon adresse : jean arobase gmail point com", ["email"]),
    ("Pour me contacter : paul (arobase) free (point) fr", ["email"]),
    # French street addresses.
    ("J'habite au 12 rue Oberkampf, au fond de la cour.", ["address"]),
    ("Livraison au 12bis, rue de la Roquette, 2e étage à gauche.", ["address"]),
    ("Rendez-vous devant le 3 ter avenue Parmentier.", ["address"]),
    ("Je suis au 5 bd Voltaire, sonnez chez Martin.", ["address"]),
    ("Les cartons sont au 45 allée des Tilleuls.", ["address"]),
    ("C'est au 7 impasse Truillot, tout au bout.", ["address"]),
    ("Il faut venir au 2 chemin des Vignes avec une voiture.", ["address"]),
    ("Retrait des colis au 10 quai de Valmy.", ["address"]),
    ("Nous sommes au 8 passage Brady, au-dessus du restaurant.", ["address"]),
    ("Le potager partagé est au 1 square Trudaine.", ["address"]),
    ("J'habite 16 cité Griset depuis 40 ans.", ["address"]),
    ("Atelier au 4 villa Gaudelet, la porte verte.", ["address"]),
    ("Besoin d'aide pour monter un meuble au 22 faubourg Saint-Antoine.", ["address"]),
    ("Magasin solidaire, 22 fbg Saint-Antoine.", ["address"]),
    ("Collecte de vêtements au 3 cours Julien samedi.", ["address"]),
    ("Ma ferme est au 12 route de Lyon, à la sortie du village.", ["address"]),
    ("Rendez-vous au 1 place de la République, devant la statue.", ["address"]),
    ("J'habite 12 rue du 4 Septembre.", ["address"]),
    ("ADRESSE : 45 ALLÉE DES TILLEULS", ["address"]),
    # English street addresses.
    ("I live at 221B Baker Street, top floor.", ["address"]),
    ("Parcels can be left at 10 Downing St with the porter.", ["address"]),
    ("My house is 42 Elm Road, the one with the blue door.", ["address"]),
    ("Meet me outside 7 Oak Ave. at noon.", ["address"]),
    ("Spare vegetables at 15 Maple Lane, help yourself.", ["address"]),
    ("Drop-off point: 3 Church Rd.", ["address"]),
    ("The shop is at 99 Sunset Blvd.", ["address"]),
    ("Tour groups gather at 1600 Pennsylvania Avenue.", ["address"]),
    ("I'm above the bakery at 12 High St.", ["address"]),
    ("Pick-up from 5 Park Drive on Saturday.", ["address"]),
    ("Deliveries to Flat 3, 12 Station Road please.", ["address"]),
    ("i live at 42 elm road near the school", ["address"]),
    # Several kinds in one text, in order of position.
    (
        "Rendez-vous au 38 rue de la Roquette, 75011 Paris, tél. 01 43 55 12 34",
        ["address", "phone"],
    ),
    (
        "Contact jean.dupont@orange.fr or 07700 900123, I'm at 42 Elm Road.",
        ["email", "phone", "address"],
    ),
]

NOT_FLAGGED = [
    # A time before a street type (the demo data's own sentence).
    "Rendez-vous à 10 h boulevard Voltaire, je marche lentement.",
    # Times and dates.
    "Je peux passer demain à 14h30 pour les courses.",
    "Disponible le 12/03 au matin.",
    "La réunion est prévue le 12.03.2025 à la salle des fêtes.",
    "Rendez-vous à 14 h 30 place de la République.",
    "Je suis libre entre 10 h et 12 h, puis de 14 h à 18 h.",
    "Le rendez-vous du 06.12.2025 14h30 est annulé.",
    "Marché samedi 12, place du Marché.",
    "Available on 2025-03-12 or 12/03/2025, any time after 10:30.",
    # Quantities, prices, people.
    "J'aurais besoin de 3 kg de pommes et 2 sacs de terreau.",
    "Je peux donner 15 €, ou 20 euros si besoin.",
    "Un repas pour 2 personnes, livré avant 19 h.",
    "I need 2 bags of groceries carried upstairs, I can pay £20 or $15.",
    "Le budget est de 1 500 000 €, soit 2 500 € par mois.",
    # Short numbers: floors, doors, buildings, codes, years, postcodes.
    "J'habite au 3e étage, bâtiment B, porte 12, c'est à 5 min à pied.",
    "Le code de l'immeuble est code 1234A, interphone au nom de Martin.",
    "J'habite le quartier depuis 2019, dans le 75011.",
    "Appelez le 15 ou le 112 en cas d'urgence.",
    # Streets mentioned without an address.
    "La pharmacie est à 2 rues d'ici, 2 rues plus loin que la poste.",
    "La rue est calme, il y a 1 rue à traverser pour aller au parc.",
    "On se retrouve place de la République.",
    "Il reste 1 place de libre dans ma voiture pour samedi.",
    "Je donne 2 cours de Français et 3 cours de yoga par semaine.",
    "Il y a 1 chemin de terre derrière la maison.",
    "I live on the street behind the church, 3 streets away from the shops.",
    "The chemist is about 2 Miles Down The Road, a 10 minute drive.",
    "Giving away 1 hard drive and 2 bags for the road.",
    "Need 2 Large Boxes Carried Up The Stairs",
    # Other ordinary sentences.
    "I'll be there in 10 minutes, call me when you arrive.",
    "Appelez-moi quand vous voulez, je suis souvent chez moi.",
    "Look at that point it is clear we need more volunteers.",
    "I'm 80 years old and live alone with 2 cats.",
    "",
]


@pytest.mark.parametrize(("text", "kinds"), FLAGGED)
def test_personal_data_is_flagged(text, kinds):
    findings = personal_data_findings(text)

    assert [finding.kind for finding in findings] == kinds
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_ordinary_text_is_not_flagged(text):
    assert personal_data_findings(text) == []


@pytest.mark.parametrize(
    ("text", "snippet"),
    [
        ("Appelez-moi au 06 12 34 56 78 !", "06 12 34 56 78"),
        ("Contact: marie.d+entraide@mail.example.co.uk.", "marie.d+entraide@mail.example.co.uk"),
        ("Email john [at] example [dot] com today", "john [at] example [dot] com"),
        ("Livraison au 12bis, rue de la Roquette, 2e étage", "12bis, rue de la Roquette"),
        ("C'est au 22 fbg Saint-Antoine, merci", "22 fbg Saint-Antoine"),
        ("Deliveries to Flat 3, 12 Station Road please", "Flat 3, 12 Station Road"),
        ("Meet me outside 7 Oak Ave. at noon", "7 Oak Ave."),
    ],
)
def test_the_snippet_is_the_whole_item(text, snippet):
    [finding] = personal_data_findings(text)

    assert finding.text == snippet


def test_findings_are_ordered_and_do_not_overlap():
    text = (
        "Écrivez à 0612345678@sfr.fr ou appelez le 06 12 34 56 78 ; "
        "j'habite 12 rue Oberkampf, mon frère 42 Elm Road (+44 20 7946 0958)."
    )

    findings = personal_data_findings(text)

    assert [finding.kind for finding in findings] == [
        "email",
        "phone",
        "address",
        "address",
        "phone",
    ]
    # The phone number inside the email address is not a finding of its own.
    assert findings[0].text == "0612345678@sfr.fr"
    starts = [finding.start for finding in findings]
    assert starts == sorted(starts)
    for before, after in zip(findings, findings[1:], strict=False):
        assert before.end <= after.start


def test_finding_is_frozen():
    finding = Finding(kind="phone", text="06 12 34 56 78", start=0, end=14)

    with pytest.raises(AttributeError):
        finding.kind = "email"


def test_findings_summary_names_distinct_kinds_in_order():
    findings = personal_data_findings(
        "Tél 06 12 34 56 78, j'habite 12 rue Oberkampf, ou 07 98 76 54 32."
    )

    with translation.override("en"):
        assert findings_summary(findings) == "a phone number, a street address"
        assert findings_summary(personal_data_findings("jean@orange.fr")) == "an email address"
        assert findings_summary([]) == ""
