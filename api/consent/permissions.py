"""`authorize`: the one path from a request to the consent policy, and the access history.

Every answer about a record goes through it: a field of the Patient type declares its
section (`RequiresConsent(Section.X)`, shown in the schema), other resolvers call
`authorize` (or `reach`, to open a record) with the section they answer about. Nobody
compares roles or ids, or reads grants, by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from api.consent.loaders import facts_of, viewer_facts_loader
from api.consent.policy import (
    Decision,
    ItemFacts,
    Rights,
    ViewerFacts,
    decide,
    patient_reach,
)
from api.consent.sections import Action, Section
from api.graphql.context import Context, Info
from api.graphql.errors import ConsentRequired, NotFound
from api.identity.models import Patient


async def facts_for(context: Context, patient: Patient) -> tuple[ViewerFacts, Rights]:
    """The viewer's facts and rights on this patient, loaded once per request.

    Through DataLoaders: fields of many patients resolved together share one batch.
    """
    return await facts_of(context.loaders, context.require_viewer(), patient)


async def viewer_facts(context: Context) -> ViewerFacts:
    """The signed-in viewer's own facts (their profession), once per request."""
    viewer = context.require_viewer()
    return await viewer_facts_loader(context.loaders, viewer).load(viewer.account_id)


# A record out of reach and one that does not exist get the same answer.
OUT_OF_REACH = "No such patient or item, or it is out of your reach."
# One of the policy's pure decisions about (viewer, patient), asked instead of ``decide``.
Question = Callable[[ViewerFacts, Rights], Decision]


def refuse(decision: Decision, section: Section, action: Action,
           out_of_reach: str = OUT_OF_REACH) -> Exception:
    if decision.not_found:
        return NotFound(out_of_reach)
    reason = decision.reason.value if decision.reason else "denied"
    return ConsentRequired(
        f"The patient's consent does not cover {action.value} access to {section.value}.",
        section=section.value, action=action.value, reason=reason,
    )


async def authorize(
    info: Info, patient: Patient, section: Section, action: Action, item: ItemFacts | None = None,
    *, question: Question | None = None, noted: bool = True, out_of_reach: str = OUT_OF_REACH,
) -> Decision:
    """Ask the policy; raise the right GraphQL error when refused, else note the access.

    The one path for every answer about a record: the facts come from the request's
    loaders, the policy decides, a refusal becomes NOT_FOUND or CONSENT_REQUIRED, and an
    answer is noted for the access history under (``section``, ``action``). The policy's
    question is ``decide`` on the section (or ``item``) unless ``question`` names another of
    its decisions (managing the consent, finding the record by a lookup). ``noted=False``
    only for answers that read nothing of the record's health data (the access history
    itself: reading who accessed adds nothing to it; a check before a write).
    ``out_of_reach`` words NOT_FOUND.
    """
    viewer, rights = await facts_for(info.context, patient)
    if question is None:
        decision = decide(viewer, rights, section, action, item)
    else:
        decision = question(viewer, rights)
    if not decision.allowed:
        raise refuse(decision, section, action, out_of_reach)
    if noted:
        info.context.note_access(patient.id, section, action, decision)
    return decision


async def reach(info: Info, patient: Patient) -> Decision:
    """May the viewer know that the record exists (``policy.patient_reach``)?

    Through the request's facts like ``authorize``; nothing of the record is read, so
    nothing is noted. The caller answers NOT_FOUND when ``decision.not_found``.
    """
    return patient_reach(*await facts_for(info.context, patient))


class RequiresConsent(BasePermission):
    """Put on a field of the Patient type: the field answers only if the policy allows."""

    message = "Consent required."

    def __init__(self, section: Section, action: Action = Action.READ) -> None:
        self.section = section
        self.action = action

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        await authorize(info, source.model, self.section, self.action)
        return True



SectionEnum = strawberry.enum(Section, name="Section",
                              description="A section of the record: the unit of consent.")
ActionEnum = strawberry.enum(Action, name="ConsentAction")


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], name="requiresConsent",
    description="The field answers only when the patient's consent covers this section.",
)
class RequiresConsentDirective:
    section: SectionEnum  # type: ignore[valid-type]
    action: ActionEnum = Action.READ  # type: ignore[valid-type]


def section_field(section: Section, *, description: str, action: Action = Action.READ) -> Any:
    """A field of the Patient type guarded by the policy; the guard shows in the schema."""
    return strawberry.field(
        description=description,
        extensions=[PermissionExtension(permissions=[RequiresConsent(section, action)],
                                        use_directives=False)],
        directives=[RequiresConsentDirective(section=section, action=action)],
    )
