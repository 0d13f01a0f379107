"""Errors the advisor reports to users as one clear line."""


class AdvisorError(Exception):
    """A problem the user can fix; its message is one line that says how."""


class IngestError(AdvisorError):
    """A file or folder could not be indexed."""


class StoreMissingError(AdvisorError):
    """No usable index exists in the data directory."""
