"""What the person reads when directives cannot be saved, in French and English."""

from __future__ import annotations

from api.french import spaced
from api.graphql.common import Problem, UserError
from api.interop.terminology.concepts import is_english

MESSAGES: dict[str, tuple[str, str]] = {
    "TOO_LONG": (
        "Ce texte est trop long : {limit} caractères au plus.",
        "This text is too long: {limit} characters at most.",
    ),
    "NAME_REQUIRED": (
        "Indiquez le nom de votre personne de confiance.",
        "Give the name of your trusted person.",
    ),
    "BAD_PHONE": (
        "Ce numéro de téléphone n'est pas complet : indiquez 10 chiffres (06 12 34 56 78) "
        "ou un numéro international commençant par + (+33 6 12 34 56 78).",
        "This phone number is not complete: give 10 digits (06 12 34 56 78) or an "
        "international number starting with + (+33 6 12 34 56 78).",
    ),
    "BAD_EMAIL": (
        "Cette adresse e-mail n'a pas la bonne forme (exemple : nom@exemple.fr).",
        "This e-mail address does not look right (example: name@example.com).",
    ),
    "LIMITS_REQUIRED": (
        "Vous avez choisi un don d'organes avec des limites : écrivez lesquelles "
        "(par exemple les organes que vous ne souhaitez pas donner).",
        "You chose organ donation with limits: write them down (for example the organs "
        "you do not wish to give).",
    ),
    "BAD_DOCUMENT_ID": (
        "Ce document n'existe pas : choisissez-en un parmi vos documents.",
        "This document does not exist: pick one of your documents.",
    ),
    "UNKNOWN_DOCUMENT": (
        "Ce document n'est pas dans ce dossier, ou vous ne pouvez pas le voir : choisissez-en "
        "un parmi les documents du dossier.",
        "This document is not in this record, or you may not see it: pick one of the "
        "record's documents.",
    ),
    "TOO_YOUNG": (
        "La loi le permet à partir de {age} ans : ce dossier ne peut pas encore "
        "l'enregistrer.",
        "The law allows it from the age of {age}: this record cannot hold it yet.",
    ),
    "NOTHING_TO_CONFIRM": (
        "Rien n'est encore enregistré : remplissez vos directives avant de les confirmer.",
        "Nothing is recorded yet: fill in your directives before confirming them.",
    ),
}


def user_errors(problems: list[Problem], language: str) -> list[UserError]:
    found = []
    for problem in problems:
        french, english = MESSAGES[problem.code]
        text = english if is_english(language) else spaced(french)
        found.append(UserError(field=problem.field, code=problem.code,
                               message=text.format(**problem.params)))
    return found
