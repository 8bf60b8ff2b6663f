"""The two printed summaries of a record, from the `RecordSummary` answer the summary page
shows (web/patient/summary.py): what the viewer may not read came back null, and is printed
as "not shared with you" rather than left out without a word.

- The emergency summary holds on one A4 page, whatever the record: allergies first (the
  severe ones say so in words), current treatments, current conditions, the advance
  directives' first lines and the trusted person, whom to call. Long lists stop with
  « … et N autres », long lines end with « … », and the page says the rest is in the full
  summary.
- The full summary prints every section the viewer may read, on as many pages as it takes.
"""

from __future__ import annotations

from typing import Any

from api.french import NARROW
from web.i18n import translations
from web.messages import N_
from web.paper.sheet import ELLIPSIS, Sheet
from web.patient.summary import present

# The most entries of each list the emergency page tries first (allergies, treatments,
# conditions); when the page overflows, fewer, until it holds on one page.
EMERGENCY_CAPS = (12, 12, 10)
EMERGENCY_SMALLEST = (3, 3, 2)
DIRECTIVES_LINES = 4  # lines of the written wishes on the emergency page

RELATIVES = {"MOTHER": N_("mother"), "FATHER": N_("father"),
             "SIBLING": N_("brother or sister"), "CHILD": N_("child"),
             "GRANDPARENT": N_("grandparent"), "AUNT_OR_UNCLE": N_("aunt or uncle"),
             "COUSIN": N_("cousin"), "OTHER": N_("other relative")}
DONATION = {"NOT_STATED": N_("not stated (French law presumes consent)"),
            "CONSENTS": N_("agrees to give organs and tissues"),
            "REFUSES": N_("refuses, registered in the national refusal register"),
            "LIMITED": N_("agrees, with limits:")}


class Paper:
    """The summary's facts in the viewer's words, ready to print."""

    def __init__(self, data: dict[str, Any], problems: list[dict[str, Any]], lang: str,
                 owner: str) -> None:
        self.lang = lang
        self.facts = present(data, problems, lang)
        catalogue = translations(lang)
        self._ = catalogue.gettext
        self.ngettext = catalogue.ngettext
        self.owner = owner
        self.identity = self.facts["identity"]
        # « Pénicillines : urticaire » in French, "Penicillins: hives" in English.
        self.colon = f"{NARROW}:" if lang == "fr" else ":"

    def joined(self, first: str, then: str) -> str:
        return f"{first}{self.colon} {then}"

    def label(self, text: str) -> str:
        return text + self.colon

    # --- Words ---------------------------------------------------------------------------

    def not_shared(self, sheet: Sheet) -> None:
        sheet.paragraph(self._("Section not shared with you."))

    def more(self, sheet: Sheet, count: int) -> None:
        """« … et 4 autres (voir la synthèse complète) » under a shortened list."""
        sheet.cut = True
        sheet.paragraph(self.ngettext("… and %(num)d more (see the full summary)",
                                      "… and %(num)d more (see the full summary)",
                                      count) % {"num": count})

    def allergy(self, item: dict[str, Any]) -> tuple[str, str]:
        text = (self.joined(item["substance"], item["reaction"]) if item.get("reaction")
                else item["substance"])
        return (self._("Severe").upper() if item["severe"] else ""), text

    def treatment(self, item: dict[str, Any]) -> str:
        text = self.joined(item["medication"], item["dose"]) if item.get("dose") \
            else item["medication"]
        return text + (f" ({item['route']})" if item.get("route") else "")

    def condition(self, item: dict[str, Any]) -> str:
        if item.get("relative"):
            relative = RELATIVES.get(item["relative"], RELATIVES["OTHER"])
            return f"{item['label']} ({self._(relative)})"
        return item["label"] + (f" ({item['since']})" if item.get("since") else "")

    def trusted_person(self, person: dict[str, Any] | None) -> str:
        if not person:
            return self._("none chosen")
        return (person["name"] + (f" ({person['relation']})" if person.get("relation") else "")
                + (f", {person['phone']}" if person.get("phone") else "")
                + (f", {person['email']}" if person.get("email") else ""))

    def donation(self, directives: dict[str, Any]) -> str:
        stance = self._(DONATION.get(directives["organDonation"], DONATION["NOT_STATED"]))
        if directives["organDonation"] == "LIMITED" and directives.get("organDonationLimits"):
            stance += " " + directives["organDonationLimits"]
        return stance

    # --- The sheet -------------------------------------------------------------------------

    def sheet(self, title: str) -> Sheet:
        _ = self._
        if self.identity:
            who = _("INS %(ins)s · born on %(date)s") % {"ins": self.identity["ins"],
                                                          "date": self.identity["born"]}
        else:
            who = _("Identity not shared with you")
        details = who + " · " + _("Printed on %(date)s") % {"date": self.facts["printed_at"]}
        sheet = Sheet(lang=self.lang, title=f"{title}: {self.owner}", owner=self.owner,
                      details=details, foot=f"Carnet · {title}")
        sheet.add_page()
        return sheet

    def section_list(self, sheet: Sheet, heading: str, items: list[Any] | None, empty: str,
                     line: Any, cap: int | None = None) -> None:
        """A heading and its entries (at most `cap`, each on one line, when capped; an entry
        marked in words, a severe allergy, is never cut: its reaction matters most)."""
        sheet.heading(heading)
        if items is None:
            self.not_shared(sheet)
        elif not items:
            sheet.paragraph(empty)
        else:
            for item in items[:cap] if cap is not None else items:
                shown = line(item)
                tag, text = shown if isinstance(shown, tuple) else ("", shown)
                sheet.item(text, tag=tag, one_line=cap is not None and not tag)
            if cap is not None and len(items) > cap:
                self.more(sheet, len(items) - cap)

    def directives_block(self, sheet: Sheet, excerpt: bool) -> None:
        _ = self._
        sheet.heading(_("Advance directives") if excerpt
                      else _("Advance directives and trusted person"))
        directives = self.facts["directives"]
        if not self.facts["directives_readable"]:
            self.not_shared(sheet)
            return
        if not directives:
            sheet.paragraph(_("No advance directives are recorded."))
            return
        wishes = (directives["wishes"] if excerpt
                  else self.facts["summary"]["directives"]["advanceDirectives"] or "")
        if wishes:
            cut_before, sheet.cut = sheet.cut, False
            sheet.paragraph(wishes, max_lines=DIRECTIVES_LINES if excerpt else None)
            if excerpt and (sheet.cut or directives["cut"]):
                sheet.note(_("The text goes on in the record."))
            sheet.cut = cut_before or sheet.cut
        if directives.get("confirmed_on"):
            sheet.note(_("Last confirmed on %(date)s.") % {"date": directives["confirmed_on"]})
        if not excerpt:  # the emergency page names the trusted person under whom to call
            sheet.fact(self.label(_("Trusted person")),
                       self.trusted_person(directives["trustedPerson"]))
        sheet.fact(self.label(_("Organ donation")), self.donation(directives))


def emergency_summary(data: dict[str, Any], problems: list[dict[str, Any]], lang: str,
                      owner: str) -> bytes:
    """The one-page emergency summary, as PDF bytes."""
    paper = Paper(data, problems, lang, owner)
    caps = EMERGENCY_CAPS
    while True:
        sheet = _emergency(paper, caps)
        if sheet.pages_count == 1 or caps == EMERGENCY_SMALLEST:
            return sheet.pdf_bytes()
        caps = tuple(max(smallest, cap - 2)  # type: ignore[assignment]
                     for cap, smallest in zip(caps, EMERGENCY_SMALLEST, strict=True))


def _emergency(paper: Paper, caps: tuple[int, ...]) -> Sheet:
    _ = paper._
    facts = paper.facts
    title = _("Emergency summary")
    sheet = paper.sheet(title)
    sheet.title_block(title, _("Made on %(date)s from the Carnet record.")
                      % {"date": facts["printed_at"]})
    paper.section_list(sheet, _("Allergies"), facts["allergies"],
                       _("No allergy is recorded."), paper.allergy, caps[0])
    paper.section_list(sheet, _("Current treatments"), facts["treatments"],
                       _("No current treatment is recorded."), paper.treatment, caps[1])
    history = facts["history"]
    paper.section_list(sheet, _("Current conditions"), None if history is None
                       else history["active"], _("No current condition is recorded."),
                       paper.condition, caps[2])
    paper.directives_block(sheet, excerpt=True)
    sheet.heading(_("Emergency contact"))
    directives = facts["directives"]
    if not facts["directives_readable"]:
        sheet.fact(paper.label(_("Trusted person")), _("Section not shared with you."))
    elif directives and directives["trustedPerson"]:
        sheet.fact(paper.label(_("Trusted person")),
                   paper.trusted_person(directives["trustedPerson"]))
    else:
        sheet.fact(paper.label(_("Trusted person")), _("none chosen"))
    identity = facts["identity"]
    phone = (identity.get("phone") or _("none recorded")) if identity \
        else _("Section not shared with you.")
    sheet.fact(paper.label(_("The patient's phone")), phone)
    if sheet.cut:
        sheet.ln(1)
        sheet.note(_("Lists and lines that end with %(sign)s go on in the full summary and in "
                     "the record.") % {"sign": ELLIPSIS})
    return sheet


def full_summary(data: dict[str, Any], problems: list[dict[str, Any]], lang: str,
                 owner: str) -> bytes:
    """The full summary: every section the viewer may read, as PDF bytes."""
    paper = Paper(data, problems, lang, owner)
    _ = paper._
    facts = paper.facts
    title = _("Full health summary")
    sheet = paper.sheet(title)
    sheet.title_block(title, _("Made on %(date)s from the Carnet record.")
                      % {"date": facts["printed_at"]})

    sheet.heading(_("Identity"))
    identity = facts["identity"]
    if identity is None:
        paper.not_shared(sheet)
    else:
        sheet.fact(paper.label(_("Birth name and first names")),
                   f"{identity['birthName']} {identity['firstNames']}")
        if identity.get("usedName"):
            sheet.fact(paper.label(_("Used name")), identity["usedName"])
        sheet.fact(paper.label(_("Born on")), identity["born"])
        sheet.fact(paper.label(_("Sex")), identity["sex_label"])
        sheet.fact(paper.label(_("INS (social security number and key)")), identity["ins"])
        if identity.get("phone"):
            sheet.fact(paper.label(_("Phone")), identity["phone"])

    paper.section_list(sheet, _("Allergies"), facts["allergies"],
                       _("No allergy is recorded."), paper.allergy)
    paper.section_list(sheet, _("Current treatments"), facts["treatments"],
                       _("No current treatment is recorded."), paper.treatment)
    if facts["past_treatments"]:
        sheet.subheading(_("Past treatments"))
        for item in facts["past_treatments"]:
            sheet.item(paper.treatment(item))

    sheet.heading(_("Health conditions and history"))
    history = facts["history"]
    if history is None:
        paper.not_shared(sheet)
    else:
        for group, label, empty in (
                ("active", _("Current conditions"), _("No current condition is recorded.")),
                ("past", _("Past illnesses and surgeries"), ""),
                ("family", _("In the family"), "")):
            if history[group] or empty:
                sheet.subheading(label)
                for item in history[group]:
                    sheet.item(paper.condition(item))
                if not history[group]:
                    sheet.paragraph(empty)

    paper.section_list(sheet, _("Vaccinations (latest dose of each vaccine)"),
                       facts["vaccinations"], _("No vaccination is recorded."),
                       lambda item: paper.joined(item["label"], item["date"]))
    paper.directives_block(sheet, excerpt=False)

    sheet.heading(_("Latest measurements"))
    if not facts["measurements_readable"]:
        paper.not_shared(sheet)
    elif not facts["measurements"]:
        sheet.paragraph(_("No measurement is recorded."))
    else:
        for item in facts["measurements"]:
            sheet.fact(paper.label(item["label"]), item["value"] + " · "
                       + (item["date"] or _("from the latest weight and height")))
    return sheet.pdf_bytes()
