"""`RequiresConsent(Section.X)`: a field of a patient's record asks the policy first.

Resolvers never compare roles or ids themselves; they declare the section they
serve and this extension asks `api.consent.policy.decide` with the request's facts.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from api.consent.loaders import facts_of
from api.consent.policy import Decision, ItemFacts, Rights, ViewerFacts, decide
from api.consent.sections import Action, Section
from api.graphql.context import Context, Info
from api.graphql.errors import ConsentRequired, NotFound
from api.identity.models import Patient


async def facts_for(context: Context, patient: Patient) -> tuple[ViewerFacts, Rights]:
    """The viewer's facts and rights on this patient, loaded once per request.

    Through DataLoaders: fields of many patients resolved together share one batch.
    """
    return await facts_of(context.loaders, context.require_viewer(), patient)


# A record out of reach and one that does not exist get the same answer.
OUT_OF_REACH = "No such patient or item, or it is out of your reach."


def refuse(decision: Decision, section: Section, action: Action) -> Exception:
    if decision.not_found:
        return NotFound(OUT_OF_REACH)
    reason = decision.reason.value if decision.reason else "denied"
    return ConsentRequired(
        f"The patient's consent does not cover {action.value} access to {section.value}.",
        section=section.value, action=action.value, reason=reason,
    )


async def authorize(
    info: Info, patient: Patient, section: Section, action: Action, item: ItemFacts | None = None
) -> Decision:
    """Ask the policy; raise the right GraphQL error when refused, else note the access."""
    viewer, rights = await facts_for(info.context, patient)
    decision = decide(viewer, rights, section, action, item)
    if not decision.allowed:
        raise refuse(decision, section, action)
    info.context.note_access(patient.id, section, action, decision)
    return decision


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
