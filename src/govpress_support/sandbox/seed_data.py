"""The GovPress support desk the sandbox starts with: people, groups, tickets, boards, rota.

Plain data only; `seed.py` turns it into rows. Ids are fixed so tests and docs can name them.
SLA times and due dates are offsets (minutes or hours) from the moment the desk is seeded, so a
fresh desk has tickets breached, some breaching within the hour and some paused, and the clock
runs on from there. A running first-reply clock started when its ticket came in: the ticket's
creation time follows from its breach time and target.
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
TRELLO_CARD_FIELD = 360020004  # for zendesk.trello_card_field_id
TICKET_FIELDS: tuple[tuple[int, str], ...] = (
    (SITE_URL_FIELD, "Site URL"),
    (ESTIMATE_FIELD, "Estimate (hours)"),
    (DEADLINE_FIELD, "Client deadline"),
    (TRELLO_CARD_FIELD, "Trello card"),
)

# --- tickets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """An SLA metric: `minutes` from the moment of seeding to the breach (None: no breach time),
    and a stage the seed fixes (None: the stage follows the ticket's status when it is read)."""

    metric: str
    minutes: float | None
    stage: str | None = None
    hours: int = 24  # the policy target, for the rough `hours` field of a metric with no breach time


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
    ccs: tuple[int, ...] = ()  # email CCs (user ids): public replies are emailed to them too
    followers: tuple[int, ...] = ()  # agents following the ticket


def nrt(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("next_reply_time", minutes, stage, hours)


def frt(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("first_reply_time", minutes, stage, hours)


def prd(minutes: float | None, stage: str | None = None, hours: int = 24) -> Metric:
    return Metric("periodic_update_time", minutes, stage, hours)


TICKETS: tuple[SeedTicket, ...] = (
    # --- GovPress 2nd line support: 20 unsolved --------------------------------------------------
    SeedTicket(
        key="contact-form",
        group=SECOND_LINE,
        subject="Contact form on the Get in touch page no longer sends emails",
        description=(
            "Since Tuesday nobody in the web team has received submissions from the Get in "
            "touch form. Residents say the form thanks them as usual. We rely on this for "
            "council tax queries, so this is urgent.\n\nPage: "
            "https://www.eastbrook.gov.example/get-in-touch"
        ),
        requester=20001,
        assignee=SAM,
        status="open",
        priority="urgent",
        type="incident",
        sla=(nrt(-190, hours=4),),
        days_ago=3.2,
        tags=("forms", "gravity_forms", "email"),
        ccs=(20002,),
        followers=(MORGAN,),
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
        key="search-drafts",
        group=SECOND_LINE,
        subject="Search results show draft pages to logged-out visitors",
        description=(
            "If you search for 'annual review' on our site the results include a draft page "
            "that is not published yet. It should not be visible to the public."
        ),
        requester=20003,
        assignee=SAM,
        status="open",
        priority="high",
        type="problem",
        sla=(nrt(-52, hours=8),),
        days_ago=2.5,
        tags=("search", "privacy"),
        card="In progress",
        ccs=(20004,),
    ),
    SeedTicket(
        key="cookie-banner",
        group=SECOND_LINE,
        subject="Cookie banner covers the skip link on mobile",
        description=(
            "Our accessibility auditor found that the cookie banner hides the 'Skip to main "
            "content' link on phones. Please move the banner or the link so both can be reached "
            "by keyboard."
        ),
        requester=20011,
        assignee=SAM,
        status="open",
        priority="high",
        type="problem",
        sla=(nrt(14, hours=8),),
        days_ago=1.8,
        tags=("accessibility", "styling"),
        ccs=(20012,),
        followers=(PRIYA,),
    ),
    SeedTicket(
        key="yoast-update",
        group=SECOND_LINE,
        subject="Update Yoast SEO and re-test the XML sitemap",
        description=(
            "Yoast is three major versions behind on the Rural Affairs site. Please update it "
            "on staging, check the sitemap still validates, then update production."
        ),
        requester=20005,
        assignee=SAM,
        status="open",
        priority="normal",
        type="task",
        sla=(nrt(38, hours=24),),
        days_ago=4.0,
        tags=("plugin_update", "seo"),
        due_hours=6,
        card="Ready",
        estimate=2,
    ),
    SeedTicket(
        key="chief-officer",
        group=SECOND_LINE,
        subject="Add the new Chief Fire Officer to the leadership page",
        description=(
            "Our new Chief Fire Officer starts on Monday. Please add her profile (photo and "
            "biography attached) to the leadership page, in the first position."
        ),
        requester=20007,
        assignee=SAM,
        status="open",
        priority="normal",
        type="task",
        sla=(nrt(200, hours=24),),
        days_ago=2.1,
        tags=("content", "template"),
        due_hours=72,
        card="Ready",
        estimate=1.5,
    ),
    SeedTicket(
        key="brand-colours",
        group=SECOND_LINE,
        subject="Change the header colour to the new brand palette",
        description=(
            "We have a new brand palette (attached). The header should use Records Blue #1d3f6e "
            "instead of the current teal, with white text. Contrast has been checked by our "
            "design team."
        ),
        requester=20009,
        assignee=SAM,
        status="open",
        priority="low",
        type="task",
        sla=(nrt(1800, hours=72),),
        days_ago=6.0,
        tags=("styling", "branding"),
        due_hours=24 * 7,
        card="Backlog",
        estimate=3,
    ),
    SeedTicket(
        key="broken-images",
        group=SECOND_LINE,
        subject="Broken image links after the media library migration",
        description=(
            "About 40 older news articles now show broken images. The files seem to be in the "
            "media library but the links point to the old uploads folder."
        ),
        requester=20004,
        assignee=SAM,
        status="pending",
        priority="normal",
        type="problem",
        sla=(nrt(None, hours=24),),
        days_ago=5.5,
        tags=("media", "migration"),
        notes=(
            (
                SAM,
                "Can you send us two or three example article links so we can check the paths?",
                True,
            ),
        ),
    ),
    SeedTicket(
        key="a11y-404",
        group=SECOND_LINE,
        subject="Accessibility statement page returns a 404",
        description=("The link to our accessibility statement in the footer goes to a 'page not found' error."),
        requester=20002,
        assignee=SAM,
        status="pending",
        priority="normal",
        type="problem",
        sla=(nrt(600, hours=24),),
        days_ago=4.6,
        tags=("accessibility", "content"),
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
        key="basic-auth",
        group=SECOND_LINE,
        subject="Staging site asks for the basic auth password twice",
        description=(
            "When we log in to the staging site we get the basic auth prompt twice, and the "
            "second one does not accept the password."
        ),
        requester=20006,
        assignee=SAM,
        status="hold",
        priority="normal",
        type="question",
        sla=(nrt(None, hours=24),),
        days_ago=7.0,
        tags=("staging", "basic_auth"),
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
        key="pdf-uploads",
        group=SECOND_LINE,
        subject="PDF uploads over 10 MB fail with an HTTP error",
        description=("Uploading our board papers (about 14 MB) fails with 'HTTP error'. Smaller PDFs are fine."),
        requester=20012,
        assignee=SAM,
        status="open",
        priority="normal",
        type="problem",
        sla=(),
        days_ago=3.9,
        tags=("media", "uploads"),
    ),
    SeedTicket(
        key="events-timezone",
        group=SECOND_LINE,
        subject="Events calendar shows times in UTC instead of UK time",
        description="Since the clocks changed all our events show an hour early on the website.",
        requester=20008,
        assignee=SAM,
        status="open",
        priority="high",
        type="incident",
        sla=(frt(-300, stage="achieved", hours=8),),
        days_ago=2.9,
        tags=("events", "timezone"),
        notes=((SAM, "Thanks, we can reproduce this and are working on a fix.", True),),
    ),
    SeedTicket(
        key="footer-privacy",
        group=SECOND_LINE,
        subject="Footer links to the old privacy notice",
        description=("The footer still links to the 2021 privacy notice. The new one is at /privacy-notice-2025."),
        requester=20010,
        assignee=SAM,
        status="open",
        priority="low",
        type="question",
        sla=(nrt(4000, hours=72),),
        days_ago=1.2,
        tags=("content",),
    ),
    SeedTicket(
        key="news-categories",
        group=SECOND_LINE,
        subject="Migrate news archive categories to tags",
        description=(
            "We would like the 60 or so old news categories converted to tags so the category "
            "list is short again. A mapping spreadsheet is attached."
        ),
        requester=20004,
        assignee=PRIYA,
        status="open",
        priority="normal",
        type="task",
        sla=(nrt(640, hours=24),),
        days_ago=8.0,
        tags=("content", "migration"),
        card="In progress",
        estimate=4,
        notes=((PRIYA, "Mapping checked; 4 categories have no tag in the sheet, asked Oliver.", False),),
    ),
    SeedTicket(
        key="php-warnings",
        group=SECOND_LINE,
        subject="Login page shows PHP deprecation warnings",
        description=("Editors see a block of 'Deprecated:' warnings above the login form on the Rural Affairs site."),
        requester=20005,
        assignee=PRIYA,
        status="open",
        priority="high",
        type="problem",
        sla=(nrt(-1500, hours=8),),
        days_ago=6.5,
        tags=("php", "theme"),
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
        key="volunteer-quote",
        group=SECOND_LINE,
        subject="Quote for changes to the volunteer sign-up journey",
        description=("Could you give us a rough estimate for adding a second step to the volunteer sign-up form?"),
        requester=20003,
        assignee=MORGAN,
        status="hold",
        priority="normal",
        type="question",
        sla=(nrt(2880, hours=72),),
        days_ago=9.0,
        tags=("quote", "forms"),
        custom_status="Awaiting client sign-off",
        card="Blocked",
    ),
    SeedTicket(
        key="careers-dns",
        group=SECOND_LINE,
        subject="DNS change for the new careers subdomain",
        description=(
            "Please point careers.northmoorfire.gov.example at the new recruitment platform "
            "(CNAME target in the attached email) before the campaign launch."
        ),
        requester=20007,
        assignee=MORGAN,
        status="open",
        priority="urgent",
        type="task",
        sla=(nrt(52, hours=4),),
        days_ago=1.1,
        tags=("dns",),
        due_hours=48,
        card="Ready",
        ccs=(20008,),
    ),
    SeedTicket(
        key="wpml-conflict",
        group=SECOND_LINE,
        subject="Plugin conflict between WPML and the custom block library",
        description=("After the WPML update the Welsh versions of our pages lose their accordion blocks."),
        requester=20009,
        assignee=ADE,
        status="open",
        priority="high",
        type="problem",
        sla=(Metric("group_ownership_time", 240, hours=24), nrt(-20, stage="breached", hours=8)),
        days_ago=2.2,
        tags=("plugin", "wpml", "welsh"),
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
        key="scheduled-posts",
        group=SECOND_LINE,
        subject="Scheduled posts publish an hour late since the clocks changed",
        description="Press releases scheduled for 9am went out at 10am this week.",
        requester=20001,
        assignee=ADE,
        status="open",
        priority="normal",
        type="incident",
        sla=None,
        days_ago=1.6,
        tags=("cron", "timezone"),
    ),
    SeedTicket(
        key="survey-embed",
        group=SECOND_LINE,
        subject="Embed the consultation survey on the Have your say page",
        description=("Please embed our new Citizen Space survey on the Have your say page. The embed code is below."),
        requester=20006,
        assignee=None,
        status="open",
        priority="normal",
        type="question",
        sla=(nrt(300, hours=24),),
        days_ago=0.8,
        tags=("content", "embed"),
    ),
    SeedTicket(
        key="sitemap-staging",
        group=SECOND_LINE,
        subject="XML sitemap includes staging URLs",
        description=("Google Search Console reports URLs on staging.westvale.nhs.example in our sitemap."),
        requester=20011,
        assignee=None,
        status="open",
        priority="normal",
        type="problem",
        sla=(),
        days_ago=0.5,
        tags=("seo",),
    ),
    # --- 2nd line, done --------------------------------------------------------------------------
    SeedTicket(
        key="gdpr-checkbox",
        group=SECOND_LINE,
        subject="Newsletter sign-up form is missing the consent checkbox",
        description="Our DPO noticed the newsletter form no longer shows the consent checkbox.",
        requester=20010,
        assignee=SAM,
        status="solved",
        priority="high",
        type="problem",
        sla=(nrt(-4000, hours=8),),
        days_ago=12.0,
        tags=("forms", "gdpr"),
        card="Done",
    ),
    SeedTicket(
        key="twitter-embed",
        group=SECOND_LINE,
        subject="Replace the Twitter embed on the homepage with a link",
        description=("The Twitter timeline on the homepage is blank. Please replace it with a simple link."),
        requester=20012,
        assignee=PRIYA,
        status="closed",
        priority="low",
        type="task",
        sla=(nrt(-9000, hours=72),),
        days_ago=30.0,
        tags=("homepage", "embed"),
    ),
    # --- GovPress 1st line support ---------------------------------------------------------------
    SeedTicket(
        key="media-upload",
        group=FIRST_LINE,
        subject="Editor cannot upload images to the media library",
        description="Our new editor gets 'Sorry, you are not allowed to upload files'.",
        requester=20002,
        assignee=TOM,
        status="open",
        priority="normal",
        type="problem",
        sla=(nrt(120, hours=8),),
        days_ago=1.0,
        tags=("editor", "permissions"),
    ),
    SeedTicket(
        key="new-editor",
        group=FIRST_LINE,
        subject="Please add an editor account for our communications officer",
        description="Please create an editor account for aisha.rahman@northmoorfire.gov.example.",
        requester=20008,
        assignee=CHRIS,
        status="open",
        priority="low",
        type="task",
        sla=(nrt(500, hours=24),),
        days_ago=0.7,
        tags=("accounts",),
        due_hours=24,
    ),
    SeedTicket(
        key="add-pdf",
        group=FIRST_LINE,
        subject="How do I add a PDF to a page?",
        description="I have a PDF of our annual report. How do I add it to the Publications page?",
        requester=20005,
        assignee=CHRIS,
        status="pending",
        priority="low",
        type="question",
        sla=(nrt(None, hours=24),),
        days_ago=2.0,
        tags=("how_to",),
    ),
    SeedTicket(
        key="acf-update",
        group=FIRST_LINE,
        subject="Update Advanced Custom Fields Pro",
        description="The dashboard says there is a security update for Advanced Custom Fields Pro.",
        requester=20004,
        assignee=ADE,
        status="open",
        priority="normal",
        type="task",
        sla=(nrt(-30, hours=8),),
        days_ago=1.4,
        tags=("plugin_update", "security"),
    ),
    SeedTicket(
        key="vault-access",
        group=FIRST_LINE,
        subject="Site management vault access for a new developer",
        description=("Please give Sam Okafor access to the Site management vault in 1Password before their rota week."),
        requester=20001,
        assignee=TOM,
        status="open",
        priority="normal",
        type="task",
        sla=(nrt(240, hours=24),),
        days_ago=0.9,
        tags=("access", "tech_ops"),
    ),
    SeedTicket(
        key="hero-image",
        group=FIRST_LINE,
        subject="Homepage hero image looks pixelated",
        description="The new hero image on the homepage looks blurry on large screens.",
        requester=20003,
        assignee=TOM,
        status="solved",
        priority="normal",
        type="problem",
        sla=(nrt(-2000, hours=8),),
        days_ago=9.0,
        tags=("images",),
    ),
    SeedTicket(
        key="csv-download",
        group=FIRST_LINE,
        subject="Download a CSV of form submissions",
        description="How do we download all entries of the consultation form as a spreadsheet?",
        requester=20006,
        assignee=CHRIS,
        status="closed",
        priority="low",
        type="question",
        sla=(),
        days_ago=40.0,
        tags=("forms", "how_to"),
    ),
    SeedTicket(
        key="reset-2fa",
        group=FIRST_LINE,
        subject="Reset two-factor authentication for an editor",
        description="One of our editors has a new phone and cannot log in.",
        requester=20012,
        assignee=CHRIS,
        status="open",
        priority="high",
        type="incident",
        sla=(frt(25, hours=4),),
        days_ago=0.15,
        tags=("accounts", "2fa"),
    ),
    # --- GovPress support triage -----------------------------------------------------------------
    SeedTicket(
        key="site-down",
        group=TRIAGE,
        subject="Website down?",
        description="Is the website down? It is very slow for us this morning.",
        requester=20007,
        assignee=None,
        status="new",
        priority=None,
        type=None,
        sla=(frt(45, hours=2),),
        days_ago=0.05,
    ),
    SeedTicket(
        key="annual-report",
        group=TRIAGE,
        subject="Can you help with our annual report page",
        description=("We want the annual report page to look like last year's but with the new figures."),
        requester=20009,
        assignee=None,
        status="new",
        priority=None,
        type=None,
        sla=(),
        days_ago=0.3,
    ),
    SeedTicket(
        key="welsh-toggle",
        group=TRIAGE,
        subject="Request: add a Welsh language toggle to the header",
        description="Could we have a button in the header that switches between English and Welsh?",
        requester=20010,
        assignee=None,
        status="new",
        priority=None,
        type=None,
        sla=(),
        days_ago=0.6,
    ),
    SeedTicket(
        key="account-manager",
        group=TRIAGE,
        subject="Who is our account manager now?",
        description=("Our previous contact has left. Who should we talk to about our support contract?"),
        requester=20011,
        assignee=JO,
        status="open",
        priority="normal",
        type="question",
        sla=(nrt(160, hours=24),),
        days_ago=1.3,
    ),
    SeedTicket(
        key="invoice-query",
        group=TRIAGE,
        subject="Invoice query for support hours",
        description=("Our latest invoice shows more support hours than we expected. Could you break them down?"),
        requester=20005,
        assignee=MORGAN,
        status="pending",
        priority="low",
        type="question",
        sla=(nrt(None, hours=72),),
        days_ago=3.0,
        tags=("billing",),
    ),
    SeedTicket(
        key="unsubscribe",
        group=TRIAGE,
        subject="Unsubscribe me",
        description="Please remove me from your mailing list.",
        requester=20002,
        assignee=JO,
        status="closed",
        priority="low",
        type="question",
        sla=(),
        days_ago=45.0,
    ),
    # --- GovPress scoping and discussion ---------------------------------------------------------
    SeedTicket(
        key="news-redesign",
        group=SCOPING,
        subject="Redesign the news listing page",
        description="We would like the news page to have filters by topic and date, like GOV.UK.",
        requester=20003,
        assignee=ADE,
        status="open",
        priority="normal",
        type="task",
        sla=(prd(5000, hours=120),),
        days_ago=11.0,
        tags=("design", "scoping"),
    ),
    SeedTicket(
        key="notify-templates",
        group=SCOPING,
        subject="Send form confirmations through GOV.UK Notify",
        description=("Our service team would like form confirmation emails sent with our Notify templates."),
        requester=20007,
        assignee=MORGAN,
        status="open",
        priority="normal",
        type="task",
        sla=(),
        days_ago=14.0,
        tags=("integration", "notify"),
    ),
    SeedTicket(
        key="intranet-sso",
        group=SCOPING,
        subject="Move the intranet to single sign-on",
        description=("Can the intranet use our Microsoft Entra single sign-on instead of WordPress accounts?"),
        requester=20011,
        assignee=ADE,
        status="hold",
        priority="normal",
        type="question",
        sla=(prd(None, hours=120),),
        days_ago=16.0,
        tags=("sso",),
        custom_status="Awaiting client sign-off",
    ),
    SeedTicket(
        key="a11y-audit",
        group=SCOPING,
        subject="Accessibility audit follow-up: 37 issues",
        description="Attached is the audit report. Please estimate fixing the 37 issues it lists.",
        requester=20001,
        assignee=ADE,
        status="open",
        priority="high",
        type="task",
        sla=(prd(3000, hours=72),),
        days_ago=5.0,
        tags=("accessibility", "audit"),
        due_hours=24 * 14,
    ),
    SeedTicket(
        key="recruitment-multisite",
        group=SCOPING,
        subject="Split the recruitment site out of the multisite",
        description="The recruitment site should move to its own WordPress install.",
        requester=20008,
        assignee=MORGAN,
        status="solved",
        priority="normal",
        type="task",
        sla=(prd(-9000, hours=120),),
        days_ago=25.0,
        tags=("multisite",),
    ),
    SeedTicket(
        key="archive-2019",
        group=SCOPING,
        subject="Archive the 2019 consultation microsite",
        description="The 2019 consultation site can be archived to a static copy.",
        requester=20006,
        assignee=ADE,
        status="closed",
        priority="low",
        type="task",
        sla=(),
        days_ago=60.0,
        tags=("archive",),
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

# --- macros --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedMacro:
    id: int
    title: str
    description: str
    actions: tuple[tuple[str, str], ...]  # (field, value) as Zendesk's actions reference names them
    active: bool = True
    owner: int | None = None  # a personal macro: only its owner applies it
    groups: tuple[int, ...] = ()  # restricted to these groups' members
    days_ago: float = 200


SIGN_OFF = "Thanks,\n{{current_user.first_name}}\nGovPress Support"

MACROS: tuple[SeedMacro, ...] = (
    SeedMacro(
        360090001,
        "Pending believed solved",
        "Public reply saying we believe it is fixed; sets the status to Pending believed solved.",
        (
            ("custom_status_id", "1260000006"),
            ("comment_mode_is_public", "true"),
            (
                "comment_value",
                "Hi {{ticket.requester.first_name}},\n\nWe believe this is now fixed. Could you check "
                "it looks right to you?\n\nIf anything is still wrong, just reply to this email and the "
                "ticket will reopen. If we don't hear from you, we will close it in a few days.\n\n" + SIGN_OFF,
            ),
        ),
        days_ago=400,
    ),
    SeedMacro(
        360090002,
        "Ask for more detail",
        "Public reply asking the client for the page, the steps and a screenshot; sets the status to pending.",
        (
            ("status", "pending"),
            ("comment_mode_is_public", "true"),
            (
                "comment_value",
                "Hi {{ticket.requester.first_name}},\n\nThanks for getting in touch about "
                '"{{ticket.title}}". So that we can look into it, could you send us:\n\n'
                "- the address (URL) of the page where you see the problem\n"
                "- what you did just before it happened, and what you expected to see\n"
                "- a screenshot, if you can\n\n" + SIGN_OFF,
            ),
        ),
        days_ago=380,
    ),
    SeedMacro(
        360090003,
        "Scoped: moving to scoping",
        "Internal note; moves the ticket to GovPress scoping and discussion and tags it scoping.",
        (
            ("group_id", str(SCOPING)),
            ("current_tags", "scoping"),
            ("comment_mode_is_public", "false"),
            (
                "comment_value",
                "Moving to GovPress scoping and discussion: this is more than half a day of development. "
                "Please scope it and agree an estimate with the client before any work starts.",
            ),
        ),
        groups=(TRIAGE, SECOND_LINE),
        days_ago=300,
    ),
    SeedMacro(
        360090004,
        "Solved: thanks for confirming",
        "Public reply thanking the client for confirming the fix; solves the ticket.",
        (
            ("status", "solved"),
            ("comment_mode_is_public", "true"),
            (
                "comment_value",
                "Hi {{ticket.requester.first_name}},\n\nThanks for confirming. We have marked this "
                "ticket as solved; reply to this email if you need anything else on it.\n\n" + SIGN_OFF,
            ),
        ),
        days_ago=350,
    ),
    SeedMacro(
        360090005,
        "Sam: chase for sign-off",
        "Sam's own: a friendly public nudge, ticket to pending.",
        (
            ("status", "pending"),
            ("comment_mode_is_public", "true"),
            (
                "comment_value",
                "Hi {{ticket.requester.first_name}},\n\nJust checking in on this one: are you happy for us "
                "to go ahead? As soon as you confirm we will schedule the work.\n\nThanks,\n"
                "{{current_user.first_name}}",
            ),
        ),
        owner=SAM,
        days_ago=40,
    ),
    SeedMacro(
        360090006,
        "Priya: deployed, watching logs",
        "Priya's own: internal note after a deploy.",
        (
            ("comment_mode_is_public", "false"),
            ("comment_value", "Deployed to production; watching the error logs for an hour before replying."),
        ),
        owner=PRIYA,
        days_ago=20,
    ),
    SeedMacro(
        360090007,
        "Escalate to Helpful hosting (retired)",
        "Retired when hosting moved to Technical Operations.",
        (
            ("group_id", str(TECH_OPS)),
            ("priority", "high"),
            ("comment_mode_is_public", "false"),
            ("comment_value", "Escalated to Helpful hosting support."),
        ),
        active=False,
        days_ago=600,
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
        "Merge the green ones for themes and plugins we maintain.\nLeave a note on the ones that fail.",
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
    SeedCard(WIP_SHORT, "Doing", "Move Papertrail alerts to incident.io", "", ("Ops",), ("morganlee",)),
    SeedCard(WIP_SHORT, "Done", "Check plugin security advisories (last week)", "All clear.", ("Weekly",)),
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
