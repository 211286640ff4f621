"""The tokens' secrets replaced by their digests (entities/tokens.py, ``token_digest``):
every client keeps its token, which the API now looks up by digest, and the database
keeps no secret. Reversed, the digests stay: a digest cannot be turned back into its
secret, so the code before this migration would refuse every token until issued again."""

import hashlib

from django.db import migrations


def digests(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    for key in list(Token.objects.values_list("key", flat=True)):
        Token.objects.filter(key=key).update(
            key=hashlib.blake2b(key.encode(), digest_size=20).hexdigest())


class Migration(migrations.Migration):

    dependencies = [
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("entities", "0008_api_token"),
    ]

    operations = [
        migrations.RunPython(digests, migrations.RunPython.noop, elidable=False),
    ]
