"""The cooperation office's registry: projects, partners, money, agreements, pipeline.

Invariants that span several rows (theme percentages adding up to 100, dates in order, SDG
targets in the UN list, currencies in the IATI list) are checked in ``checks.py`` and
enforced by ``services.py``, which is the only place that writes.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metropoli.common.storage import AtomicFileSystemStorage
from metropoli.territory.models import Municipality

from .iati.mappings import THEMATIC_AREAS

project_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,39}$",
    _("Use 2 to 40 capital letters, digits and hyphens, e.g. PIMUS or C2C-ABURRA."),
)


class Stage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    LINKAGE = "linkage", _("Linkage")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    AGREEMENT = "agreement", _("Agreement")
    IMPLEMENTATION = "implementation", _("Implementation")
    CLOSED = "closed", _("Closed")
    NOT_PURSUED = "not_pursued", _("Not pursued")


class Modality(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    FINANCIAL = "financial", _("Financial")
    EDUCATIONAL_CULTURAL = "educational_cultural", _("Educational and cultural")
    HUMANITARIAN = "humanitarian", _("Humanitarian")
    DECENTRALISED = "decentralised", _("Decentralised (city-to-city)")


class InstituteRole(models.TextChoices):
    RECEIVER = "receiver", _("Receiver")
    PROVIDER = "provider", _("Provider")
    DUAL = "dual", _("Provider and receiver (dual)")


class Scheme(models.TextChoices):
    DIRECT = "direct", _("Direct")
    HORIZONTAL = "horizontal", _("Horizontal (South-South / city-to-city)")
    TRIANGULAR = "triangular", _("Triangular")


THEME_LABELS = {
    "mobility": _("Mobility"),
    "gender": _("Gender"),
    "citizen_participation": _("Citizen participation"),
    "urban_trees": _("Urban trees"),
    "urban_green_space": _("Urban green space"),
    "urban_planning": _("Urban planning"),
    "housing": _("Housing"),
    "migration": _("Migration"),
    "civic_justice": _("Civic justice"),
    "infrastructure": _("Health infrastructure"),
    "climate": _("Climate action"),
    "economy": _("Local economy"),
}
assert set(THEME_LABELS) == set(THEMATIC_AREAS)  # one list of themes, shared with IATI
THEME_CHOICES = list(THEME_LABELS.items())


class OrganisationType(models.TextChoices):
    """IATI's OrganisationType codelist, every code (a test compares it with the codelist)."""

    GOVERNMENT = "10", _("Government")
    LOCAL_GOVERNMENT = "11", _("Local government")
    OTHER_PUBLIC = "15", _("Other public sector")
    INTERNATIONAL_NGO = "21", _("International NGO")
    NATIONAL_NGO = "22", _("National NGO")
    REGIONAL_NGO = "23", _("Regional NGO")
    PARTNER_COUNTRY_NGO = "24", _("Partner country based NGO")
    PUBLIC_PRIVATE = "30", _("Public-private partnership")
    MULTILATERAL = "40", _("Multilateral")
    FOUNDATION = "60", _("Foundation")
    PRIVATE_SECTOR = "70", _("Private sector")
    PRIVATE_PROVIDER = "71", _("Private sector in provider country")
    PRIVATE_RECIPIENT = "72", _("Private sector in aid recipient country")
    PRIVATE_THIRD = "73", _("Private sector in third country")
    ACADEMIC = "80", _("Academic, training and research")
    OTHER = "90", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_("Only when known, e.g. DE-1 or XM-DAC-41301. Leave empty otherwise."),
    )
    org_type = models.CharField(
        _("type"), max_length=2, choices=OrganisationType.choices, blank=True
    )
    country = models.CharField(_("country (ISO 3166)"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    code = models.CharField(
        _("code"), max_length=40, unique=True, validators=[project_code_validator]
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title in English"), max_length=300, blank=True)
    summary = models.TextField(_("summary"))
    summary_en = models.TextField(_("summary in English"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    # Space-separated codes: a project has few modalities and SDGs, they are filtered with a
    # regular expression anchored at the spaces (so "1" does not match "11").
    modalities = models.CharField(_("modalities"), max_length=200, blank=True)
    institute_role = models.CharField(
        _("role of the institute"),
        max_length=10,
        choices=InstituteRole.choices,
        default=InstituteRole.RECEIVER,
    )
    scheme = models.CharField(
        _("scheme"), max_length=12, choices=Scheme.choices, default=Scheme.DIRECT
    )
    sdg_goals = models.CharField(_("SDG goals"), max_length=100, blank=True)
    sdg_targets = models.CharField(_("SDG targets"), max_length=300, blank=True)
    countries = models.CharField(
        _("recipient countries"),
        max_length=60,
        default="MX",
        help_text=_("ISO 3166 codes separated by spaces, e.g. MX CO."),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("beneficiary municipalities"),
        blank=True,
        related_name="cooperation_projects",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Shown to everyone and published in the IATI file."),
    )
    provenance = models.CharField(
        _("provenance note"),
        max_length=300,
        blank=True,
        help_text=_("Where the data comes from and which values are uncertain."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-planned_start", "code"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def modality_list(self) -> list[str]:
        return self.modalities.split()

    @property
    def goal_list(self) -> list[str]:
        return self.sdg_goals.split()

    @property
    def target_list(self) -> list[str]:
        return self.sdg_targets.split()

    @property
    def country_list(self) -> list[str]:
        return self.countries.split()

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end

    def get_modalities_display(self) -> list[str]:
        labels = dict(Modality.choices)
        return [str(labels.get(code, code)) for code in self.modality_list]


class ProjectTheme(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="themes", verbose_name=_("project")
    )
    theme = models.CharField(_("theme"), max_length=40, choices=THEME_CHOICES)
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("thematic area of a project")
        verbose_name_plural = _("thematic areas of projects")
        ordering = ["-percentage", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["project", "theme"], name="coop_unique_theme"),
            models.CheckConstraint(
                condition=models.Q(percentage__gte=0, percentage__lte=100),
                name="coop_theme_percentage_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()} {self.percentage} %"


class ParticipationRole(models.TextChoices):
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")
    RECEIVER = "receiver", _("Receiver")
    ACCOUNTABLE = "accountable", _("Accountable")


class Participation(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="participations", verbose_name=_("project")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=12, choices=ParticipationRole.choices)

    class Meta:
        verbose_name = _("partner of a project")
        verbose_name_plural = _("partners of projects")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation", "role"], name="coop_unique_participation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class AmountKind(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    DISBURSED = "disbursed", _("Disbursed")


class Amount(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="amounts", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AmountKind.choices)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3, default="MXN")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    value_date = models.DateField(
        _("value date"), help_text=_("Date of the exchange rate (usually the date of the act).")
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amounts_provided",
        verbose_name=_("provided by"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_ceiling = models.BooleanField(
        _("maximum (“up to”)"),
        default=False,
        help_text=_("The source states a ceiling, not an exact amount."),
    )

    class Meta:
        verbose_name = _("amount")
        verbose_name_plural = _("amounts")
        ordering = ["value_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gte=0), name="coop_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.value:,.2f}"


class LegalInstrumentKind(models.TextChoices):
    CONVENIO = "convenio", _("Agreement (convenio)")
    MOU = "mou", _("Memorandum of understanding")
    LETTER = "letter", _("Letter")


def instrument_upload_to(instance, filename: str) -> str:
    return f"instruments/{instance.project.code}/{filename}"


class PrivateStorage(AtomicFileSystemStorage):
    """Legal instruments are confidential: stored outside MEDIA_ROOT and never given a URL.

    The folder is read from the settings at each use (not when models load), so it follows
    ``COOPERATION_PRIVATE_ROOT`` wherever it is set.
    """

    @property
    def base_location(self):
        return str(settings.COOPERATION_PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class LegalInstrument(models.Model):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="legal_instruments",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LegalInstrumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reference = models.CharField(_("reference / folio"), max_length=100, blank=True)
    parties = models.ManyToManyField(
        Organisation, verbose_name=_("parties"), blank=True, related_name="instruments"
    )
    file = models.FileField(
        _("file"), upload_to=instrument_upload_to, storage=private_storage, blank=True
    )

    class Meta:
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")
        ordering = ["signed_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        verbose_name=_("depends on"),
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_start", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def achieved(self) -> bool:
        return self.actual_end is not None


class ResultType(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")


class Result(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="results", verbose_name=_("project")
    )
    result_type = models.CharField(_("type"), max_length=10, choices=ResultType.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    indicator = models.CharField(_("indicator"), max_length=300)
    target = models.CharField(
        pgettext_lazy("result indicator", "target"), max_length=100, blank=True
    )
    actual = models.CharField(_("achieved"), max_length=100, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["period_start", "pk"]

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="documents", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address (URL)"), max_length=500)
    category = models.CharField(
        _("IATI document category"), max_length=4, default="A12", help_text=_("e.g. A12, A09")
    )
    file_format = models.CharField(_("format (MIME type)"), max_length=100, default="text/html")
    document_date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class OpportunityKind(models.TextChoices):
    CALL = "call", _("Call for proposals")
    AWARD = "award", _("Award")
    EVENT = "event", _("International event")


class OpportunityStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    PREPARING = "preparing", _("Preparing")
    SUBMITTED = "submitted", _("Submitted")
    WON = "won", _("Won")
    NOT_WON = "not_won", _("Not won")
    DISCARDED = "discarded", _("Discarded")


OPEN_OPPORTUNITY_STATUSES = (OpportunityStatus.IDENTIFIED, OpportunityStatus.PREPARING)


class Opportunity(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OpportunityKind.choices)
    title = models.CharField(_("title"), max_length=300)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    url = models.URLField(_("address (URL)"), blank=True)
    deadline = models.DateField(_("deadline"))
    agenda_fit = models.TextField(
        _("fit to the agendas"), blank=True, help_text=_("Why it matters for the institute.")
    )
    themes = models.CharField(_("themes"), max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cooperation_opportunities",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.IDENTIFIED,
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("resulting project"),
    )

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")

    def __str__(self) -> str:
        return self.title


class ReminderSent(models.Model):
    """A deadline reminder that went out; the unique constraint makes sending idempotent."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("opportunity"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before the deadline"))
    recipient = models.EmailField(_("recipient"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "days_before", "recipient"], name="coop_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.opportunity} · {self.days_before} · {self.recipient}"


# Networks and awards live in recognition_models.py, the IATI publisher in publisher_models.py.
from .publisher_models import PublisherSettings  # noqa: E402, F401
from .recognition_models import Award, AwardStatus, NetworkMembership  # noqa: E402, F401
