"""The GovPress support desk the sandbox starts with: people, groups, tickets, boards, rota.

Plain data only; `seed.py` turns it into rows. Ids are fixed so tests and docs can name them.
SLA times and due dates are offsets from "now" (minutes or hours), placed at read time, so at any
moment some tickets are breached, some breach within the hour and some are paused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Zendesk: groups, people, organisations ------------------------------------------------------

TRIAGE, FIRST_LINE, SECOND_LINE, SCOPING, TECH_OPS = 360001, 360002, 360003, 360004, 360005

GROUPS: tuple[tuple[int, str, str], ...] = (
    (
        TRIAGE,
        "GovPress support triage",
        "New tickets from GovPress clients, waiting to be triaged.",
    ),
    (FIRST_LINE, "GovPress 1st line support", "Tickets that take less than an hour to resolve."),
    (
        SECOND_LINE,
        "GovPress 2nd line support",
        "Clearly defined development tasks of less than half a day.",
    ),
    (
        SCOPING,
        "GovPress scoping and discussion",
        "Development work of more than half a day: scope it first.",
    ),
    (TECH_OPS, "Technical Operations", "Infrastructure, access and hosting requests."),
)


@dataclass(frozen=True)
class Agent:
    id: int
    name: str
    email: str
    role: str  # agent | admin
    groups: tuple[int, ...]
    default_group: int
    username: str  # Trello username

    @property
    def trello_token(self) -> str:
        return "sandbox-token" if self.username == "samokafor" else f"sandbox-token-{self.username}"


SAM, PRIYA, TOM, MORGAN, ADE, CHRIS, JO = 10001, 10002, 10003, 10004, 10005, 10006, 10007

AGENTS: tuple[Agent, ...] = (
    Agent(
        SAM,
        "Sam Okafor",
        "sam.okafor@govpress.example",
        "admin",
        (SECOND_LINE,),
        SECOND_LINE,
        "samokafor",
    ),
    Agent(
        PRIYA,
        "Priya Shah",
        "priya.shah@govpress.example",
        "agent",
        (SECOND_LINE,),
        SECOND_LINE,
        "priyashah",
    ),
    Agent(
        TOM,
        "Tom Hughes",
        "tom.hughes@govpress.example",
        "agent",
        (FIRST_LINE,),
        FIRST_LINE,
        "tomhughes",
    ),
    Agent(
        MORGAN,
        "Morgan Lee",
        "morgan.lee@govpress.example",
        "admin",
        (TRIAGE, SECOND_LINE),
        TRIAGE,
        "morganlee",
    ),
    Agent(
        ADE,
        "Ade Bello",
        "ade.bello@govpress.example",
        "agent",
        (FIRST_LINE, SECOND_LINE, SCOPING),
        FIRST_LINE,
        "adebello",
    ),
    Agent(
        CHRIS,
        "Chris Wong",
        "chris.wong@govpress.example",
        "agent",
        (FIRST_LINE,),
        FIRST_LINE,
        "chriswong",
    ),
    Agent(JO, "Jo Patel", "jo.patel@govpress.example", "agent", (TRIAGE,), TRIAGE, "jopatel"),
)

EASTBROOK, HERITAGE, RURAL, NORTHMOOR, RECORDS, WESTVALE = 30001, 30002, 30003, 30004, 30005, 30006

ORGANIZATIONS: tuple[tuple[int, str, str], ...] = (
    (EASTBROOK, "Eastbrook Borough Council", "eastbrook.gov.example"),
    (HERITAGE, "National Heritage Trust", "heritagetrust.org.example"),
    (RURAL, "Department for Rural Affairs", "ruralaffairs.gov.example"),
    (NORTHMOOR, "Northmoor Fire and Rescue Service", "northmoorfire.gov.example"),
    (RECORDS, "Office for Public Records", "publicrecords.gov.example"),
    (WESTVALE, "Westvale NHS Foundation Trust", "westvale.nhs.example"),
)

# (id, name, email local part, organisation): the requesters
END_USERS: tuple[tuple[int, str, str, int], ...] = (
    (20001, "Hannah Price", "hannah.price", EASTBROOK),
    (20002, "Liam Foster", "liam.foster", EASTBROOK),
    (20003, "Grace Adeyemi", "grace.adeyemi", HERITAGE),
    (20004, "Oliver Grant", "oliver.grant", HERITAGE),
    (20005, "Fiona MacLeod", "fiona.macleod", RURAL),
    (20006, "Rajesh Kumar", "rajesh.kumar", RURAL),
    (20007, "Daniel Brooks", "daniel.brooks", NORTHMOOR),
    (20008, "Aisha Rahman", "aisha.rahman", NORTHMOOR),
    (20009, "Martin Chen", "martin.chen", RECORDS),
    (20010, "Sophie Turner", "sophie.turner", RECORDS),
    (20011, "Emma Walsh", "emma.walsh", WESTVALE),
    (20012, "Kwame Mensah", "kwame.mensah", WESTVALE),
)

# (id, category, agent label, end-user label, default)
CUSTOM_STATUSES: tuple[tuple[int, str, str, str, bool], ...] = (
    (1260000001, "new", "New", "Open", True),
    (1260000002, "open", "Open", "Open", True),
    (1260000003, "pending", "Pending", "Awaiting your reply", True),
    (1260000004, "hold", "On-hold", "Open", True),
    (1260000005, "solved", "Solved", "Solved", True),
    (1260000006, "pending", "Pending believed solved", "Solved, awaiting your confirmation", False),
    (1260000007, "hold", "Awaiting client sign-off", "Awaiting your approval", False),
)

# Custom ticket fields every ticket carries: (id, title)
SITE_URL_FIELD, ESTIMATE_FIELD, DEADLINE_FIELD = 360020001, 360020002, 360020003
TICKET_FIELDS: tuple[tuple[int, str], ...] = (
    (SITE_URL_FIELD, "Site URL"),
    (ESTIMATE_FIELD, "Estimate (hours)"),
    (DEADLINE_FIELD, "Client deadline"),
)

# --- tickets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """An SLA metric: `minutes` from now to the breach (None: no breach time), and a stage the
    seed fixes (None: the stage follows the ticket's status when it is read)."""

    metric: str
    minutes: float | None
    stage: str | None = None
    hours: int = (
        24  # the policy target, for the rough `hours` field of a metric with no breach time
    )


@dataclass(frozen=True)
class SeedTicket:
    key: str  # a handle for cross-references within the seed
    group: int
    subject: str
    description: str
    requester: int
    assignee: int | None
    status: str
    priority: str | None
    type: str | None
    sla: tuple[Metric, ...] | None  # None: the ticket has no `slas` key at all
    days_ago: float
    tags: tuple[str, ...] = ()
    due_hours: float | None = None
    custom_status: str | None = None  # agent label of a non-default custom status
    notes: tuple[tuple[int, str, bool], ...] = ()  # (author, body, public) after the description
    card: str | None = None  # list on the Backlog board when the ticket has a Trello card
    estimate: float | None = None


def nrt(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("next_reply_time", minutes, stage, hours)


def frt(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("first_reply_time", minutes, stage, hours)


def prd(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("periodic_update_time", minutes, stage, hours)


TICKETS: tuple[SeedTicket, ...] = (
    # --- GovPress 2nd line support: 20 unsolved --------------------------------------------------
    SeedTicket(
        "contact-form",
        SECOND_LINE,
        "Contact form on the Get in touch page no longer sends emails",
        "Since Tuesday nobody in the web team has received submissions from the Get in touch form. "
        "Residents say the form thanks them as usual. We rely on this for council tax queries, so "
        "this is urgent.\n\nPage: https://www.eastbrook.gov.example/get-in-touch",
        20001,
        SAM,
        "open",
        "urgent",
        "incident",
        (nrt(-190, hours=4),),
        3.2,
        ("forms", "gravity_forms", "email"),
        notes=(
            (
                SAM,
                "Checked the mail log: the SMTP plugin lost its API key after the last update. "
                "Asked the client for a new SendGrid key.",
                False,
            ),
        ),
        card="In progress",
    ),
    SeedTicket(
        "search-drafts",
        SECOND_LINE,
        "Search results show draft pages to logged-out visitors",
        "If you search for 'annual review' on our site the results include a draft page that is "
        "not "
        "published yet. It should not be visible to the public.",
        20003,
        SAM,
        "open",
        "high",
        "problem",
        (nrt(-52, hours=8),),
        2.5,
        ("search", "privacy"),
        card="In progress",
    ),
    SeedTicket(
        "cookie-banner",
        SECOND_LINE,
        "Cookie banner covers the skip link on mobile",
        "Our accessibility auditor found that the cookie banner hides the 'Skip to main content' "
        "link on phones. Please move the banner or the link so both can be reached by keyboard.",
        20011,
        SAM,
        "open",
        "high",
        "problem",
        (nrt(14, hours=8),),
        1.8,
        ("accessibility", "styling"),
    ),
    SeedTicket(
        "yoast-update",
        SECOND_LINE,
        "Update Yoast SEO and re-test the XML sitemap",
        "Yoast is three major versions behind on the Rural Affairs site. Please update it on "
        "staging, "
        "check the sitemap still validates, then update production.",
        20005,
        SAM,
        "open",
        "normal",
        "task",
        (nrt(38, hours=24),),
        4.0,
        ("plugin_update", "seo"),
        due_hours=6,
        card="Ready",
        estimate=2,
    ),
    SeedTicket(
        "chief-officer",
        SECOND_LINE,
        "Add the new Chief Fire Officer to the leadership page",
        "Our new Chief Fire Officer starts on Monday. Please add her profile (photo and biography "
        "attached) to the leadership page, in the first position.",
        20007,
        SAM,
        "open",
        "normal",
        "task",
        (nrt(200, hours=24),),
        2.1,
        ("content", "template"),
        due_hours=72,
        card="Ready",
        estimate=1.5,
    ),
    SeedTicket(
        "brand-colours",
        SECOND_LINE,
        "Change the header colour to the new brand palette",
        "We have a new brand palette (attached). The header should use Records Blue #1d3f6e "
        "instead "
        "of the current teal, with white text. Contrast has been checked by our design team.",
        20009,
        SAM,
        "open",
        "low",
        "task",
        (nrt(1800, hours=72),),
        6.0,
        ("styling", "branding"),
        due_hours=24 * 7,
        card="Backlog",
        estimate=3,
    ),
    SeedTicket(
        "broken-images",
        SECOND_LINE,
        "Broken image links after the media library migration",
        "About 40 older news articles now show broken images. The files seem to be in the media "
        "library but the links point to the old uploads folder.",
        20004,
        SAM,
        "pending",
        "normal",
        "problem",
        (nrt(None, hours=24),),
        5.5,
        ("media", "migration"),
        notes=(
            (
                SAM,
                "Can you send us two or three example article links so we can check the paths?",
                True,
            ),
        ),
    ),
    SeedTicket(
        "a11y-404",
        SECOND_LINE,
        "Accessibility statement page returns a 404",
        "The link to our accessibility statement in the footer goes to a 'page not found' error.",
        20002,
        SAM,
        "pending",
        "normal",
        "problem",
        (nrt(600, hours=24),),
        4.6,
        ("accessibility", "content"),
        custom_status="Pending believed solved",
        notes=(
            (
                SAM,
                "Restored the page from the revision history and fixed the footer link. "
                "Could you confirm it looks right to you?",
                True,
            ),
        ),
    ),
    SeedTicket(
        "basic-auth",
        SECOND_LINE,
        "Staging site asks for the basic auth password twice",
        "When we log in to the staging site we get the basic auth prompt twice, and the second one "
        "does not accept the password.",
        20006,
        SAM,
        "hold",
        "normal",
        "question",
        (nrt(None, hours=24),),
        7.0,
        ("staging", "basic_auth"),
        notes=(
            (
                SAM,
                "Blocked: the second prompt comes from the old Helpful proxy. Waiting on Technical "
                "Operations (ticket raised in 1st line).",
                False,
            ),
        ),
    ),
    SeedTicket(
        "pdf-uploads",
        SECOND_LINE,
        "PDF uploads over 10 MB fail with an HTTP error",
        "Uploading our board papers (about 14 MB) fails with 'HTTP error'. Smaller PDFs are fine.",
        20012,
        SAM,
        "open",
        "normal",
        "problem",
        (),
        3.9,
        ("media", "uploads"),
    ),
    SeedTicket(
        "events-timezone",
        SECOND_LINE,
        "Events calendar shows times in UTC instead of UK time",
        "Since the clocks changed all our events show an hour early on the website.",
        20008,
        SAM,
        "open",
        "high",
        "incident",
        (frt(-300, stage="achieved", hours=8),),
        2.9,
        ("events", "timezone"),
        notes=((SAM, "Thanks, we can reproduce this and are working on a fix.", True),),
    ),
    SeedTicket(
        "footer-privacy",
        SECOND_LINE,
        "Footer links to the old privacy notice",
        "The footer still links to the 2021 privacy notice. The new one is at "
        "/privacy-notice-2025.",
        20010,
        SAM,
        "open",
        "low",
        "question",
        (nrt(4000, hours=72),),
        1.2,
        ("content",),
    ),
    SeedTicket(
        "news-categories",
        SECOND_LINE,
        "Migrate news archive categories to tags",
        "We would like the 60 or so old news categories converted to tags so the category list is "
        "short again. A mapping spreadsheet is attached.",
        20004,
        PRIYA,
        "open",
        "normal",
        "task",
        (nrt(640, hours=24),),
        8.0,
        ("content", "migration"),
        card="In progress",
        estimate=4,
        notes=(
            (PRIYA, "Mapping checked; 4 categories have no tag in the sheet, asked Oliver.", False),
        ),
    ),
    SeedTicket(
        "php-warnings",
        SECOND_LINE,
        "Login page shows PHP deprecation warnings",
        "Editors see a block of 'Deprecated:' warnings above the login form on the Rural Affairs "
        "site.",
        20005,
        PRIYA,
        "open",
        "high",
        "problem",
        (nrt(-1500, hours=8),),
        6.5,
        ("php", "theme"),
        card="In progress",
        notes=(
            (
                PRIYA,
                "Warnings come from the old theme's functions.php under PHP 8.2. Fix is on branch "
                "fix/php82-warnings, not yet deployed.",
                False,
            ),
        ),
    ),
    SeedTicket(
        "volunteer-quote",
        SECOND_LINE,
        "Quote for changes to the volunteer sign-up journey",
        "Could you give us a rough estimate for adding a second step to the volunteer sign-up "
        "form?",
        20003,
        MORGAN,
        "hold",
        "normal",
        "question",
        (nrt(2880, hours=72),),
        9.0,
        ("quote", "forms"),
        custom_status="Awaiting client sign-off",
        card="Blocked",
    ),
    SeedTicket(
        "careers-dns",
        SECOND_LINE,
        "DNS change for the new careers subdomain",
        "Please point careers.northmoorfire.gov.example at the new recruitment platform "
        "(CNAME target in the attached email) before the campaign launch.",
        20007,
        MORGAN,
        "open",
        "urgent",
        "task",
        (nrt(52, hours=4),),
        1.1,
        ("dns",),
        due_hours=48,
        card="Ready",
    ),
    SeedTicket(
        "wpml-conflict",
        SECOND_LINE,
        "Plugin conflict between WPML and the custom block library",
        "After the WPML update the Welsh versions of our pages lose their accordion blocks.",
        20009,
        ADE,
        "open",
        "high",
        "problem",
        (Metric("group_ownership_time", 240, hours=24), nrt(-20, stage="breached", hours=8)),
        2.2,
        ("plugin", "wpml", "welsh"),
        card="In progress",
        notes=(
            (
                ADE,
                "Reproduced on staging with WPML 4.7; the block library registers too late.",
                False,
            ),
        ),
    ),
    SeedTicket(
        "scheduled-posts",
        SECOND_LINE,
        "Scheduled posts publish an hour late since the clocks changed",
        "Press releases scheduled for 9am went out at 10am this week.",
        20001,
        ADE,
        "open",
        "normal",
        "incident",
        None,
        1.6,
        ("cron", "timezone"),
    ),
    SeedTicket(
        "survey-embed",
        SECOND_LINE,
        "Embed the consultation survey on the Have your say page",
        "Please embed our new Citizen Space survey on the Have your say page. The embed code is "
        "below.",
        20006,
        None,
        "open",
        "normal",
        "question",
        (nrt(300, hours=24),),
        0.8,
        ("content", "embed"),
    ),
    SeedTicket(
        "sitemap-staging",
        SECOND_LINE,
        "XML sitemap includes staging URLs",
        "Google Search Console reports URLs on staging.westvale.nhs.example in our sitemap.",
        20011,
        None,
        "open",
        "normal",
        "problem",
        (),
        0.5,
        ("seo",),
    ),
    # --- 2nd line, done --------------------------------------------------------------------------
    SeedTicket(
        "gdpr-checkbox",
        SECOND_LINE,
        "Newsletter sign-up form is missing the consent checkbox",
        "Our DPO noticed the newsletter form no longer shows the consent checkbox.",
        20010,
        SAM,
        "solved",
        "high",
        "problem",
        (nrt(-4000, hours=8),),
        12.0,
        ("forms", "gdpr"),
        card="Done",
    ),
    SeedTicket(
        "twitter-embed",
        SECOND_LINE,
        "Replace the Twitter embed on the homepage with a link",
        "The Twitter timeline on the homepage is blank. Please replace it with a simple link.",
        20012,
        PRIYA,
        "closed",
        "low",
        "task",
        (nrt(-9000, hours=72),),
        30.0,
        ("homepage", "embed"),
    ),
    # --- GovPress 1st line support ---------------------------------------------------------------
    SeedTicket(
        "media-upload",
        FIRST_LINE,
        "Editor cannot upload images to the media library",
        "Our new editor gets 'Sorry, you are not allowed to upload files'.",
        20002,
        TOM,
        "open",
        "normal",
        "problem",
        (nrt(120, hours=8),),
        1.0,
        ("editor", "permissions"),
    ),
    SeedTicket(
        "new-editor",
        FIRST_LINE,
        "Please add an editor account for our communications officer",
        "Please create an editor account for aisha.rahman@northmoorfire.gov.example.",
        20008,
        CHRIS,
        "open",
        "low",
        "task",
        (nrt(500, hours=24),),
        0.7,
        ("accounts",),
        due_hours=24,
    ),
    SeedTicket(
        "add-pdf",
        FIRST_LINE,
        "How do I add a PDF to a page?",
        "I have a PDF of our annual report. How do I add it to the Publications page?",
        20005,
        CHRIS,
        "pending",
        "low",
        "question",
        (nrt(None, hours=24),),
        2.0,
        ("how_to",),
    ),
    SeedTicket(
        "acf-update",
        FIRST_LINE,
        "Update Advanced Custom Fields Pro",
        "The dashboard says there is a security update for Advanced Custom Fields Pro.",
        20004,
        ADE,
        "open",
        "normal",
        "task",
        (nrt(-30, hours=8),),
        1.4,
        ("plugin_update", "security"),
    ),
    SeedTicket(
        "vault-access",
        FIRST_LINE,
        "Site management vault access for a new developer",
        "Please give Sam Okafor access to the Site management vault in 1Password before their "
        "rota week.",
        20001,
        TOM,
        "open",
        "normal",
        "task",
        (nrt(240, hours=24),),
        0.9,
        ("access", "tech_ops"),
    ),
    SeedTicket(
        "hero-image",
        FIRST_LINE,
        "Homepage hero image looks pixelated",
        "The new hero image on the homepage looks blurry on large screens.",
        20003,
        TOM,
        "solved",
        "normal",
        "problem",
        (nrt(-2000, hours=8),),
        9.0,
        ("images",),
    ),
    SeedTicket(
        "csv-download",
        FIRST_LINE,
        "Download a CSV of form submissions",
        "How do we download all entries of the consultation form as a spreadsheet?",
        20006,
        CHRIS,
        "closed",
        "low",
        "question",
        (),
        40.0,
        ("forms", "how_to"),
    ),
    SeedTicket(
        "reset-2fa",
        FIRST_LINE,
        "Reset two-factor authentication for an editor",
        "One of our editors has a new phone and cannot log in.",
        20012,
        CHRIS,
        "open",
        "high",
        "incident",
        (frt(25, hours=4),),
        0.2,
        ("accounts", "2fa"),
    ),
    # --- GovPress support triage -----------------------------------------------------------------
    SeedTicket(
        "site-down",
        TRIAGE,
        "Website down?",
        "Is the website down? It is very slow for us this morning.",
        20007,
        None,
        "new",
        None,
        None,
        (frt(45, hours=8),),
        0.05,
    ),
    SeedTicket(
        "annual-report",
        TRIAGE,
        "Can you help with our annual report page",
        "We want the annual report page to look like last year's but with the new figures.",
        20009,
        None,
        "new",
        None,
        None,
        (),
        0.3,
    ),
    SeedTicket(
        "welsh-toggle",
        TRIAGE,
        "Request: add a Welsh language toggle to the header",
        "Could we have a button in the header that switches between English and Welsh?",
        20010,
        None,
        "new",
        None,
        None,
        (),
        0.6,
    ),
    SeedTicket(
        "account-manager",
        TRIAGE,
        "Who is our account manager now?",
        "Our previous contact has left. Who should we talk to about our support contract?",
        20011,
        JO,
        "open",
        "normal",
        "question",
        (nrt(160, hours=24),),
        1.3,
    ),
    SeedTicket(
        "invoice-query",
        TRIAGE,
        "Invoice query for support hours",
        "Our latest invoice shows more support hours than we expected. Could you break them down?",
        20005,
        MORGAN,
        "pending",
        "low",
        "question",
        (nrt(None, hours=72),),
        3.0,
        ("billing",),
    ),
    SeedTicket(
        "unsubscribe",
        TRIAGE,
        "Unsubscribe me",
        "Please remove me from your mailing list.",
        20002,
        JO,
        "closed",
        "low",
        "question",
        (),
        45.0,
    ),
    # --- GovPress scoping and discussion ---------------------------------------------------------
    SeedTicket(
        "news-redesign",
        SCOPING,
        "Redesign the news listing page",
        "We would like the news page to have filters by topic and date, like GOV.UK.",
        20003,
        ADE,
        "open",
        "normal",
        "task",
        (prd(5000, hours=120),),
        11.0,
        ("design", "scoping"),
    ),
    SeedTicket(
        "notify-templates",
        SCOPING,
        "Send form confirmations through GOV.UK Notify",
        "Our service team would like form confirmation emails sent with our Notify templates.",
        20007,
        MORGAN,
        "open",
        "normal",
        "task",
        (),
        14.0,
        ("integration", "notify"),
    ),
    SeedTicket(
        "intranet-sso",
        SCOPING,
        "Move the intranet to single sign-on",
        "Can the intranet use our Microsoft Entra single sign-on instead of WordPress accounts?",
        20011,
        ADE,
        "hold",
        "normal",
        "question",
        (prd(None, hours=120),),
        16.0,
        ("sso",),
        custom_status="Awaiting client sign-off",
    ),
    SeedTicket(
        "a11y-audit",
        SCOPING,
        "Accessibility audit follow-up: 37 issues",
        "Attached is the audit report. Please estimate fixing the 37 issues it lists.",
        20001,
        ADE,
        "open",
        "high",
        "task",
        (prd(3000, hours=72),),
        5.0,
        ("accessibility", "audit"),
        due_hours=24 * 14,
    ),
    SeedTicket(
        "recruitment-multisite",
        SCOPING,
        "Split the recruitment site out of the multisite",
        "The recruitment site should move to its own WordPress install.",
        20008,
        MORGAN,
        "solved",
        "normal",
        "task",
        (prd(-9000, hours=120),),
        25.0,
        ("multisite",),
    ),
    SeedTicket(
        "archive-2019",
        SCOPING,
        "Archive the 2019 consultation microsite",
        "The 2019 consultation site can be archived to a static copy.",
        20006,
        ADE,
        "closed",
        "low",
        "task",
        (),
        60.0,
        ("archive",),
    ),
)

FIRST_TICKET_ID = 4001

SUSPENDED: tuple[tuple[str, str, str, str, str, str | None, float], ...] = (
    # (subject, cause, author name, author email, content, ticket key it follows up, days ago)
    (
        "Boost your council website's SEO ranking today!!!",
        "Detected as spam",
        "Rank Boost Experts",
        "offers@rank-boost.example",
        "Dear webmaster, we can put your site on page one of Google...",
        None,
        0.4,
    ),
    (
        "Out of office: Re: [GovPress] Your request has been updated",
        "Automated response mail",
        "Liam Foster",
        "liam.foster@eastbrook.gov.example",
        "I am out of the office until Monday with limited access to email.",
        "a11y-404",
        1.1,
    ),
    (
        "Fwd: Contact form submission",
        "Received from support address",
        "GovPress Support",
        "support@govpress.example",
        "---------- Forwarded message ----------\nA new submission...",
        None,
        2.3,
    ),
)

# --- Trello --------------------------------------------------------------------------------------

BACKLOG_SHORT = "pF46aRdl"
WIP_SHORT = "Y2QL3Pha"
TEMPLATE_SHORT = "Q5BahEhI"
TEMPLATE_ID_SHORT = 207

BOARDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        BACKLOG_SHORT,
        "GovPress Support and Maintenance Backlog",
        "2nd line and scoping work for GovPress clients. One card per Zendesk ticket.",
        ("Backlog", "Ready", "In progress", "Blocked", "Done"),
        (
            ("Bug", "red"),
            ("Styling", "purple"),
            ("Plugin", "blue"),
            ("Urgent", "orange"),
            ("Content", "green"),
            ("Infrastructure", "sky"),
        ),
    ),
    (
        WIP_SHORT,
        "GovPress Support and Maintenance: Week in Progress",
        "What the Maintenance and Support team is doing this week, and the weekly jobs.",
        ("Weekly tasks", "This week", "Doing", "Done"),
        (("Weekly", "yellow"), ("Ops", "sky"), ("Security", "red")),
    ),
)

# Board members: (username, memberType) on both boards. Sam is on neither.
BOARD_MEMBERS: tuple[tuple[str, str], ...] = (
    ("morganlee", "admin"),
    ("adebello", "admin"),
    ("priyashah", "normal"),
)

TEMPLATE_DESC = """Copy this card when someone joins the support rota for the first time, and tick
off each step.

**Access**
- [ ] Site management vault in 1Password (raise a Zendesk ticket for the 1st line group;
      Technical Operations pick it up)
- [ ] AWS login for dalmatian-tools (raise a Zendesk ticket for the 1st line group)
- [ ] v1 GovPress infrastructure: user data bag for Chef (raise an MR)
- [ ] Old "Helpful" infrastructure (ask the Maintenance and Support team)
- [ ] Basic auth for the v1 staging sites (raise an MR)
- [ ] The dxw VPN (raise an MR)
- [ ] Papertrail for Dalmatian application logs (ask the Maintenance and Support team)

**Software**
- [ ] whippet (`brew install dxw/tap/whippet`)
- [ ] dalmatian-tools
- [ ] govpress-tools
- [ ] security-alert-notifier

**Zendesk and Slack**
- [ ] Added to the GovPress 2nd line support group
- [ ] Joined the support Slack channels
- [ ] incident.io app installed and tutorial done
"""

TEMPLATE_CHECKLIST = (
    "Site management vault (1Password)",
    "AWS login for dalmatian-tools",
    "Chef user data bag",
    "Helpful infrastructure",
    "Staging basic auth",
    "dxw VPN",
    "Papertrail",
)


@dataclass(frozen=True)
class SeedCard:
    board: str
    list: str
    name: str
    desc: str = ""
    labels: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    due_hours: float | None = None
    closed: bool = False
    attachments: tuple[tuple[str, str], ...] = ()  # (name, url)
    comments: tuple[tuple[str, str], ...] = field(default=())  # (username, text)


OTHER_CARDS: tuple[SeedCard, ...] = (
    SeedCard(
        BACKLOG_SHORT,
        "Backlog",
        "Upgrade the staging servers to PHP 8.3",
        "Staging first, then a week of soak before production.",
        ("Infrastructure",),
        ("adebello",),
    ),
    SeedCard(
        BACKLOG_SHORT,
        "Backlog",
        "Audit premium plugin licences before renewal",
        "List every paid plugin, who pays, and when it renews.",
        ("Plugin",),
    ),
    SeedCard(
        BACKLOG_SHORT,
        "Ready",
        "Document the restore-from-backup process",
        "Write up the steps we used in the last restore drill.",
        ("Infrastructure",),
        ("morganlee",),
    ),
    SeedCard(
        BACKLOG_SHORT,
        "Backlog",
        "Retire the old Helpful infrastructure",
        "Move the last three sites off Helpful and switch it off.",
        ("Infrastructure",),
    ),
    SeedCard(
        BACKLOG_SHORT,
        "Done",
        "Set up uptime monitoring for the careers subdomain",
        "updown.io check added; alerts go to #systems.",
        ("Infrastructure",),
        ("adebello",),
        comments=(("adebello", "Check is live and alerting to #systems."),),
    ),
    SeedCard(
        BACKLOG_SHORT,
        "Done",
        "Old: move transactional email to the new SMTP provider",
        "Superseded.",
        closed=True,
    ),
    # Week in Progress
    SeedCard(
        WIP_SHORT,
        "Weekly tasks",
        "Check plugin security advisories",
        "Every Monday:\n1. Run `security-alert-notifier` against all sites.\n2. Read the WPScan "
        "weekly digest.\n3. Raise a 1st line ticket for each plugin that needs an urgent update.",
        ("Weekly", "Security"),
        due_hours=30,
    ),
    SeedCard(
        WIP_SHORT,
        "Weekly tasks",
        "Review uptime alerts",
        "Look through last week's updown.io and Icinga alerts in #systems.\nAnything that fired "
        "more "
        "than twice gets a card in the Backlog.",
        ("Weekly", "Ops"),
    ),
    SeedCard(
        WIP_SHORT,
        "Weekly tasks",
        "Rotate staging basic auth",
        "Every other Wednesday:\n1. Generate a new password.\n2. Update the Chef data bag and "
        "deploy.\n"
        "3. Update the Site management vault entry.",
        ("Weekly", "Security"),
        due_hours=75,
    ),
    SeedCard(
        WIP_SHORT,
        "Weekly tasks",
        "Check backups completed",
        "Confirm every site's nightly backup in the Dalmatian dashboard.\nRestore one at random to "
        "staging and check it loads.",
        ("Weekly", "Ops"),
    ),
    SeedCard(
        WIP_SHORT,
        "Weekly tasks",
        "Review Dependabot pull requests",
        "Merge the green ones for themes and plugins we maintain.\nLeave a note on the ones that "
        "fail.",
        ("Weekly",),
        due_hours=100,
    ),
    SeedCard(
        WIP_SHORT,
        "This week",
        "Renew the wildcard TLS certificate for staging",
        "Expires next week.",
        ("Ops",),
        ("adebello",),
        due_hours=52,
    ),
    SeedCard(
        WIP_SHORT,
        "This week",
        "Patch WordPress core to the latest minor release",
        "All sites; staging first.",
        ("Security",),
        ("priyashah",),
    ),
    SeedCard(
        WIP_SHORT, "Doing", "Move Papertrail alerts to incident.io", "", ("Ops",), ("morganlee",)
    ),
    SeedCard(
        WIP_SHORT, "Done", "Check plugin security advisories (last week)", "All clear.", ("Weekly",)
    ),
)

# --- rota ----------------------------------------------------------------------------------------

# (role, week offset from this week, name, email); Mon-Fri entries are generated at read time.
ROTA: tuple[tuple[str, int, str, str], ...] = (
    ("dev", -2, "Ade Bello", "ade.bello@govpress.example"),
    ("dev", -1, "Priya Shah", "priya.shah@govpress.example"),
    ("dev", 0, "Sam Okafor", "sam.okafor@govpress.example"),
    ("dev", 1, "Tom Hughes", "tom.hughes@govpress.example"),
    ("dev", 2, "Chris Wong", "chris.wong@govpress.example"),
    ("ops", -2, "Kim Osei", "kim.osei@govpress.example"),
    ("ops", -1, "Rowan Ellis", "rowan.ellis@govpress.example"),
    ("ops", 0, "Kim Osei", "kim.osei@govpress.example"),
    ("ops", 1, "Rowan Ellis", "rowan.ellis@govpress.example"),
    ("ops", 2, "Kim Osei", "kim.osei@govpress.example"),
)

# --- bulk tickets --------------------------------------------------------------------------------

BULK_SUBJECTS = (
    "Update {plugin} on the {site} site",
    "{page} page layout broken on mobile",
    "Add a new {block} block to the {page} page",
    "{plugin} settings page shows an error",
    "Fix broken links on the {page} page",
    "Change the colour of the {block} on the {page} page",
    "Form on the {page} page does not submit",
    "Redirect the old {page} URL",
)
BULK_PLUGINS = (
    "Gravity Forms",
    "Yoast SEO",
    "WPML",
    "Advanced Custom Fields",
    "Redirection",
    "WP Mail SMTP",
)
BULK_PAGES = (
    "Home",
    "News",
    "Contact us",
    "Events",
    "Publications",
    "Jobs",
    "About us",
    "Consultations",
)
BULK_BLOCKS = ("accordion", "call to action", "image gallery", "quote", "table", "button")
