"""The demo company: who we are, our recruiters and roles, and the employers candidates have.

Acme Robotics is made up; every address under it is under the reserved `.example` name.
"""

from __future__ import annotations

DEMO_COMPANY = "Acme Robotics"
DEMO_ALIASES = ["Acme"]
# Every address the demo makes up is under a reserved name (RFC 2606 .example), so no
# demo message can ever reach a real mailbox, whatever transport a config names.
DEMO_DOMAIN = "acme-robotics.example"
DEMO_COMPETITORS = ["Globex"]
DEMO_NEVER_CONTACT_COMPANIES = ["Initech"]
# The story's number; "never_answered" is sized so the export holds exactly this many threads.
DEMO_THREAD_COUNT = 847


# (handle, name, daily_limit, status). Sam's limit is below his share of the drafts on
# purpose, so the demo also shows the per-recruiter cap; Tomás is on leave.
RECRUITERS = [
    ("sam", "Sam Carter", "100", "active"),
    ("priya", "Priya Raman", "", "active"),
    ("jordan", "Jordan Ellis", "80", "active"),
    ("mei", "Mei Tanaka", "", "active"),
    ("alex", "Alex Novak", "60", "active"),
    ("tomas", "Tomás Herrera", "", "paused"),
]
ACTIVE_RECRUITERS = [r[0] for r in RECRUITERS if r[3] == "active"]
RECRUITER_WEIGHTS = [24, 22, 20, 18, 16]
RECRUITER_NAMES = {r[0]: r[1] for r in RECRUITERS}

# (role_id, title, status, hiring_manager, location). The family (second id part) picks
# what the people approached about it currently do.
ROLES = [
    ("r-eng-101", "Senior Robotics Software Engineer", "open", "Dana Whitfield", "Boston, MA"),
    ("r-eng-102", "Perception Engineer, Computer Vision", "open", "Ravi Subramanian", "Remote"),
    ("r-eng-103", "Embedded Firmware Engineer", "open", "Klaus Brenner", "Boston, MA"),
    ("r-eng-104", "Motion Planning Engineer", "filled", "Ravi Subramanian", "Pittsburgh, PA"),
    ("r-eng-105", "Staff Controls Engineer", "open", "Dana Whitfield", "Boston, MA"),
    ("r-eng-106", "Site Reliability Engineer", "on_hold", "Lena Vogt", "Remote (US)"),
    ("r-hw-201", "Mechanical Design Engineer", "open", "Marco Bellini", "Boston, MA"),
    ("r-hw-202", "Electrical Engineer, Power Systems", "closed", "Marco Bellini", "Boston, MA"),
    ("r-ops-301", "Field Service Technician", "open", "Tanya Brooks", "Columbus, OH"),
    ("r-ops-302", "Manufacturing Test Engineer", "open", "Tanya Brooks", "Boston, MA"),
    ("r-prd-401", "Product Manager, Fleet Software", "open", "Hiro Matsuda", "Boston, MA"),
    ("r-prd-402", "Technical Program Manager", "filled", "Hiro Matsuda", "Remote"),
    ("r-gtm-501", "Solutions Engineer", "open", "Erin Castillo", "Chicago, IL"),
    ("r-gtm-502", "Account Executive, Warehouse Automation", "on_hold", "Erin Castillo", "Remote"),
]
OPEN_ROLES = [r for r in ROLES if r[2] == "open"]
CLOSED_ROLES = [r for r in ROLES if r[2] != "open"]

FAMILY_TITLES = {
    "eng": "Software Engineer|Senior Software Engineer|Robotics Engineer|Perception Engineer|"
    "Computer Vision Engineer|Embedded Software Engineer|Firmware Engineer|Controls Engineer|"
    "Staff Software Engineer|Site Reliability Engineer|Machine Learning Engineer",
    "hw": "Mechanical Engineer|Senior Mechanical Engineer|Design Engineer|Electrical Engineer|"
    "Hardware Engineer|Power Electronics Engineer",
    "ops": "Field Service Engineer|Field Technician|Test Engineer|Manufacturing Engineer|"
    "Quality Engineer|Service Technician",
    "prd": "Product Manager|Senior Product Manager|Technical Program Manager|Program Manager",
    "gtm": "Solutions Engineer|Sales Engineer|Account Executive|Customer Success Manager",
}
FAMILY_PITCH = {
    "eng": "The team writes the software that moves 4,000 robots through live warehouses.",
    "hw": "You'd own parts that ship on every robot we build, from sketch to production.",
    "ops": "You'd keep customer fleets running and feed what you learn back to engineering.",
    "prd": "You'd shape how customers run fleets of hundreds of robots from one screen.",
    "gtm": "You'd work with logistics teams who are automating their first warehouse.",
}


def reserved_domain(domain: str) -> str:
    """An employer's domain moved under the reserved .example name (see DEMO_DOMAIN)."""
    return domain.split(".", 1)[0] + ".example"


# Fictional employers; none may normalise to our name, a competitor or a blocked company.
COMPANIES = [
    ("Northwind Automation", "northwind-automation.com"),
    ("Vantage Robotics", "vantagerobotics.io"),
    ("Helix Dynamics", "helixdynamics.com"),
    ("Cobalt Systems", "cobaltsys.com"),
    ("Brightline Logistics", "brightline-logistics.com"),
    ("Kestrel Aerospace", "kestrel-aero.com"),
    ("Tessellate AI", "tessellate.ai"),
    ("Ironbark Manufacturing", "ironbark-mfg.com"),
    ("Quanta Motion", "quantamotion.com"),
    ("Lumen Labs", "lumenlabs.dev"),
    ("Parallax Devices", "parallaxdevices.com"),
    ("Stratus Cloudworks", "stratuscloud.io"),
    ("Orbital Freight", "orbitalfreight.com"),
    ("Silverline Medical Devices", "silverline-med.com"),
    ("Nordlicht Robotik GmbH", "nordlicht-robotik.de"),
    ("Société Lumière SAS", "lumiere-sas.fr"),
    ("Tanaka Seiki K.K.", "tanaka-seiki.co.jp"),
    ("Pampa Agrotech", "pampa-agrotech.com.ar"),
    ("Hanbit Mobility", "hanbit-mobility.kr"),
    ("Baobab Energy", "baobab-energy.ng"),
    ("Maple Leaf Automation Inc.", "mapleleaf-automation.ca"),
    ("Fjord Subsea AS", "fjordsubsea.no"),
    ("Redwood Grid", "redwoodgrid.com"),
    ("Sable Security", "sablesec.com"),
    ("Granite Peak Logistics", "granitepeak.com"),
    ("Orchid Semiconductors", "orchid-semi.com"),
]
PERSONAL_DOMAINS = ["mail.example"] * 6 + [
    "inbox.example",
    "post.example",
    "webmail.example",
    "pm.example",
]
