"""casewatch: accountable continuous screening and investigation."""

__version__ = "0.1.0"
