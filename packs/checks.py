"""System checks of the signing key: a key others can read can sign packs in the
installation's name; a file that is not an Ed25519 key stops every pack."""

import stat

from django.core import checks

from . import signing


@checks.register(checks.Tags.security)
def check_signing_key(app_configs=None, **kwargs):
    path = signing.key_path()
    if not path.exists():
        # Made on first use.
        return []
    found = []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        found.append(checks.Warning(
            f"The regulator pack signing key {path} can be read by others (mode {mode:o}).",
            hint="chmod 600 it: whoever reads it can sign packs in this installation's name.",
            id="packs.W001",
        ))
    try:
        signing.private_key()
    except (ValueError, TypeError, OSError) as exc:
        found.append(checks.Error(
            f"The regulator pack signing key {path} cannot be used: {exc}",
            hint="Give ROPA_PACK_SIGNING_KEY an Ed25519 private key in PEM (PKCS #8), or "
                 "move the file away to have a new key made.",
            id="packs.E001",
        ))
    return found
