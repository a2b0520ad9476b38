"""Every refusal a user can meet, as one family.

Each error carries its message in Chinese (what is wrong and what to do) and the exit code the
command line promises: 1 when the input was rejected, 2 for a usage error (a bad period, an unknown
option value, a rules file that cannot be used). The CLI has one ``except VanguardError`` that
prints the message and exits with the code; the app shows the message in one place.
"""

from __future__ import annotations

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


class VanguardError(Exception):
    """Base of every refusal: ``str(error)`` is the Chinese message, ``exit_code`` the CLI's code."""

    exit_code = EXIT_REJECTED


class UsageError(VanguardError):
    """The command was asked for something that cannot be meant (exit 2)."""

    exit_code = EXIT_USAGE


class BadPeriod(UsageError):
    """A period label that is not a month, a quarter or a year."""


class RulesError(UsageError):
    """A rules file that cannot be used; the message names the key."""


class PlanError(UsageError):
    """A work-plan file (data/plan.toml or a branch's own) that cannot be used; the message names the key."""


class DatabaseBusy(VanguardError):
    """Another process holds the database file for longer than we are willing to wait. The message
    gives the command line's advice; ``holder`` lets the app give its own."""

    def __init__(self, message: str, holder: str = "另一个进程"):
        super().__init__(message)
        self.holder = holder


class MissingDatabase(VanguardError):
    """The database file does not exist (reading never creates it)."""


class UnreadableFile(VanguardError):
    """A file that cannot be read as a table at all (empty, broken, encrypted, wrong type)."""


class LoadRefused(VanguardError):
    """A load or undo that the loading rules forbid."""


class UnknownBranch(VanguardError):
    """The database has no branch of that name."""


class UnknownMember(VanguardError):
    """No single member of the branch matches the name asked for."""


class SnapshotRejected(VanguardError):
    """A snapshot file that is not intact, not ours, or not signed by a key the district trusts; or an
    import, trust or export the snapshot rules forbid. The message names what is wrong."""


class BranchRefused(VanguardError):
    """`etl branch add|rename` asked for something that would confuse two branches (a name already
    taken, a school that differs from the one on record)."""


class BackupRefused(VanguardError):
    """`etl backup|restore` would overwrite a file without --force, or a copy does not check out (it
    does not open, is not this tool's database, or differs from the original)."""


class AccountRefused(VanguardError):
    """An account change the rules forbid: a name taken, a weak password, a role or branch the one
    asking may not give (a secretary adds leadership accounts of her own branches only)."""


class SignInRefused(VanguardError):
    """A sign-in that did not succeed. The message is the same whether or not the name exists;
    ``locked_until`` (UTC) is set while the name is locked after too many failures."""

    def __init__(self, message: str, locked_until=None):
        super().__init__(message)
        self.locked_until = locked_until
