"""Measurements against hand-written gold files: document metadata, assignments, chat answers.

The eval commands (``troly eval metadata | tasks | answers``) call these; each module's docstring
gives its gold format and matching rule. Heldout cases are scored and counted, never listed.
"""

from troly.evals.answers import AnswersReport, evaluate_answers, load_answer_cases
from troly.evals.assignments import AssignmentReport, evaluate_assignments, is_assignment_gold
from troly.evals.corpus import CorpusDocument, load_manifests, resolve_documents
from troly.evals.metadata import MetadataReport, evaluate_metadata

__all__ = [
    "AnswersReport",
    "AssignmentReport",
    "CorpusDocument",
    "MetadataReport",
    "evaluate_answers",
    "evaluate_assignments",
    "evaluate_metadata",
    "is_assignment_gold",
    "load_answer_cases",
    "load_manifests",
    "resolve_documents",
]
