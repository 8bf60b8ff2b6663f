"""The pages held to the quality bars (accessibility, keyboard, weight), per role.

Adding a page is one line in PAGES: `at(path, role, ...)` with the roles that can see it
(`reach=` for a page behind a step of a journey, `status=` for an error page).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.browser.signin import DEMO_ACCOUNTS, password_step_without_loading

ANONYMOUS, PATIENT, PROFESSIONAL = "anonymous", "patient", "professional"
EMERGENCY = "emergency"  # the demo emergency physician
# The two older demo patients, signed in on their own records (3 and 4).
JEAN, PAULE = "patient-jean", "patient-paule"
OWN_RECORD_PAGES = ("", "/history", "/allergies", "/treatments", "/vaccinations", "/measurements",
                    "/documents", "/messages", "/directives", "/sharing", "/access-history",
                    "/summary")

# The demo app asks for its scopes (PKCE challenge from RFC 7636's example).
CONSENT_PATH = (
    "/oauth/authorize?response_type=code&client_id=demo-pollen-diary"
    "&redirect_uri=http%3A%2F%2Flocalhost%3A8765%2Fcallback"
    "&scope=allergies.read+treatments.read+measurements.read+measurements.write&state=demo"
    "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
)

# Run in the browser context before the page is opened (e.g. a step of a journey).
Reach = Callable[[Any, str], Awaitable[None]]


def after_password_step(role: str) -> Reach:
    """Reach the second sign-in step as `role`'s demo account, without warming the cache."""
    async def reach(context: Any, base_url: str) -> None:
        await password_step_without_loading(context, base_url, DEMO_ACCOUNTS[role])

    return reach


@dataclass(frozen=True)
class CheckedPage:
    path: str
    roles: tuple[str, ...]
    reach: Reach | None = None
    status: int = 200
    label: str = ""  # tells apart two entries with the same path

    @property
    def name(self) -> str:
        return self.label or self.path


def at(path: str, *roles: str, reach: Reach | None = None, status: int = 200,
       label: str = "") -> CheckedPage:
    """A registry line: the page at `path`, seen by each of `roles`."""
    return CheckedPage(path, roles, reach, status, label)


PAGES: list[CheckedPage] = [
    at("/", ANONYMOUS, PATIENT, PROFESSIONAL),  # signed in: the home page, no redirect
    at("/signin", ANONYMOUS),
    at("/activate", ANONYMOUS),
    at("/oppose", ANONYMOUS),
    at("/signin/code", ANONYMOUS, reach=after_password_step(PATIENT),
       label="/signin/code (e-mail code)"),
    at("/signin/code", ANONYMOUS, reach=after_password_step(PROFESSIONAL),
       label="/signin/code (authenticator app)"),
    at("/patient", PATIENT),
    at("/account", PATIENT, PROFESSIONAL),
    at("/account?enrol=totp", PATIENT),
    at("/notifications", PATIENT, PROFESSIONAL),
    at("/pro", PROFESSIONAL),
    at("/pro/deposit", PROFESSIONAL, EMERGENCY),
    at("/pro/deposit?patient=1", PROFESSIONAL, label="/pro/deposit (a followed record)"),
    at("/pro/deposit/done", PROFESSIONAL),
    at("/pro/emergency", EMERGENCY),
    at("/pro/emergency", PROFESSIONAL, status=403,
       label="/pro/emergency (not an emergency profession)"),
    # The workspace: Dr BERNARD is Camille's treating doctor (record 1) and reads a part of
    # Jean DUPONT's (record 3); she has no relation to Paule ORSINI (record 4).
    at("/pro/not-shared", PROFESSIONAL),
    at("/pro/records/1", PROFESSIONAL),
    at("/pro/records/1/history", PROFESSIONAL),
    at("/pro/records/1/history/1/edit", PROFESSIONAL),
    at("/pro/records/1/allergies", PROFESSIONAL),
    at("/pro/records/1/treatments", PROFESSIONAL),
    at("/pro/records/1/vaccinations", PROFESSIONAL),
    at("/pro/records/1/measurements", PROFESSIONAL),
    at("/pro/records/1/measurements/weight", PROFESSIONAL),
    at("/pro/records/1/documents", PROFESSIONAL),
    at("/pro/records/1/directives", PROFESSIONAL),
    at("/pro/records/3", PROFESSIONAL),
    at("/pro/records/3/history", PROFESSIONAL, status=403),  # the refusal page
    at("/pro/records/4", PROFESSIONAL, status=404),
    at("/records/1/measurements", PATIENT),
    at("/records/1/measurements/weight", PATIENT),
    at("/records/1/directives", PATIENT),
    at("/records/1/summary", PATIENT),
    at("/records/1/agenda", PATIENT),
    at("/records/2/agenda", PATIENT),  # the son's calendar: check-ups and first doses
    at("/records/1/fhir-import", PATIENT),
    at("/records/1/history", PATIENT),
    at("/records/1/allergies", PATIENT),
    at("/records/1/treatments", PATIENT),
    at("/records/1/vaccinations", PATIENT),
    at("/records/1/history/1/edit", PATIENT),
    at("/records/1", PATIENT),
    at("/records/1/sharing", PATIENT),
    at("/records/1/sharing/find?search=ber", PATIENT),
    at("/records/1/sharing/grant/5", PATIENT),  # the demo dentist: some sections never offered
    at("/records/1/sharing/revoke?grant=1", PATIENT),
    at("/records/1/access-history", PATIENT),
    at("/records/2/access-history", PATIENT),  # the son's record, seen by his mother
    at("/records/2", PATIENT),  # the son's record overview, switched to from the mother's
    at("/records/1/documents", PATIENT),
    at("/records/1/documents/1", PATIENT),  # the demo lab report (a PDF)
    at("/records/1/messages", PATIENT),
    at("/records/1/messages/2", PATIENT),  # Dr BERNARD's message about the blood test
    at("/records/1/messages/1", PATIENT),  # the nurse's visit, closed
    at("/pro/messages", PROFESSIONAL),
    at("/pro/messages/2", PROFESSIONAL),
    at("/pro/messages/new?patient=1", PROFESSIONAL),  # Dr BERNARD is Camille's doctor
    at("/pro/messages/new?patient=4", PROFESSIONAL, status=404),  # no relation to Paule
    at("/apps", ANONYMOUS, PATIENT),
    at("/apps/connected", PATIENT, PROFESSIONAL),  # the demo app is connected by Camille
    at(CONSENT_PATH, PATIENT, PROFESSIONAL, label="/oauth/authorize (consent screen)"),
    at("/no-such-page", ANONYMOUS, PATIENT, status=404),
    *(at(f"/records/{record}{rest}", role) for role, record in ((JEAN, 3), (PAULE, 4))
      for rest in OWN_RECORD_PAGES),
]


@dataclass(frozen=True)
class Visit:
    """One registered page seen as one role."""

    page: CheckedPage
    role: str

    @property
    def id(self) -> str:
        return f"{self.role} {self.page.name}"


def visits() -> list[Visit]:
    """Every registered page for every role that can see it, in registry order."""
    return [Visit(entry, role) for entry in PAGES for role in entry.roles]


async def new_visit_context(browser: Any, base_url: str, visit: Visit,
                            states: dict[str, dict[str, Any] | None]) -> tuple[Any, Any]:
    """A fresh context (empty cache) signed in as the visit's role, and a blank tab in it.

    The caller closes the context.
    """
    context = await browser.new_context(locale="fr-FR", storage_state=states[visit.role])
    if visit.page.reach is not None:
        await visit.page.reach(context, base_url)
    return context, await context.new_page()


async def load_visit(tab: Any, base_url: str, visit: Visit) -> None:
    """Open the visit's page in `tab` and check it answered with the expected status."""
    response = await tab.goto(f"{base_url}{visit.page.path}", wait_until="load")
    status = response.status if response is not None else None
    assert status == visit.page.status, (
        f"{visit.id}: expected status {visit.page.status}, got {status}"
    )
