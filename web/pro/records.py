"""A record's sections in the workspace, through the patient's own pages and templates.

Each page is the patient's page with the workspace frame (web/pro/frame.py): the sections
the professional may not read are not linked and answer the refusal page; the forms to add
and correct entries show only where the grant allows writing, and removing stays the
patient's.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from web.patient import entries, terminology
from web.patient.entry_forms import SECTIONS
from web.pro.frame import pro_record_form, pro_record_page

BASE = "/pro/records/{patient_id:int}"

routes: list[BaseRoute] = [
    Route(BASE + "/terminology", terminology.suggest, methods=["GET"]),
    Route(BASE + "/terminology/pick", terminology.pick, methods=["GET"]),
    *(route for section in SECTIONS.values()
      for route in entries.section_routes(section, BASE, pro_record_page, pro_record_form,
                                          removable=False)),
]
