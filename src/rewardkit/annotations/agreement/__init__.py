"""Inter-annotator agreement: Krippendorff's alpha, Fleiss' and Cohen's kappa, reports.

Every coefficient takes a reliability matrix of shape ``(n_units, n_raters)`` (NaN for a
missing rating) or per-unit category counts, checks the ratings against a declared value set,
and is computed in closed form; bootstrap intervals resample units (items), vectorized over all
resamples. :func:`agreement_report` runs everything on a long-form ratings table;
:func:`simulate_campaign` predicts the alpha a rating campaign will reach.
"""

from rewardkit.annotations.agreement.cohen import (
    PairwiseKappa,
    Weights,
    cohen_kappa,
    cohen_kappa_table,
    kappa_of_tables,
    pair_tables,
    pairwise_cohen,
)
from rewardkit.annotations.agreement.fleiss import counts_from_matrix, fleiss_ci, fleiss_kappa
from rewardkit.annotations.agreement.krippendorff import (
    alpha,
    alpha_ci,
    alpha_from_coincidences,
    coincidence_matrix,
)
from rewardkit.annotations.agreement.report import (
    ALL,
    ALL_CRITERIA,
    MAX_KAPPA_CATEGORIES,
    agreement_report,
    omitted_coefficients,
)
from rewardkit.annotations.agreement.results import (
    AgreementReport,
    AnnotatorLeniency,
    CriterionAgreement,
    DisagreementFlag,
    DomainAgreement,
    PairAgreement,
    Verdict,
    target_verdict,
)
from rewardkit.annotations.agreement.simulate import SimulationResult, simulate_campaign

__all__ = [
    "ALL",
    "ALL_CRITERIA",
    "MAX_KAPPA_CATEGORIES",
    "AgreementReport",
    "AnnotatorLeniency",
    "CriterionAgreement",
    "DisagreementFlag",
    "DomainAgreement",
    "PairAgreement",
    "PairwiseKappa",
    "SimulationResult",
    "Verdict",
    "Weights",
    "agreement_report",
    "alpha",
    "alpha_ci",
    "alpha_from_coincidences",
    "cohen_kappa",
    "cohen_kappa_table",
    "coincidence_matrix",
    "counts_from_matrix",
    "fleiss_ci",
    "fleiss_kappa",
    "kappa_of_tables",
    "omitted_coefficients",
    "pair_tables",
    "pairwise_cohen",
    "simulate_campaign",
    "target_verdict",
]
