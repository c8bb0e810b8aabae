"""The morning message where the team reads it: 企业微信, 钉钉, 飞书, Slack or e-mail.

After each batch run (``playbook run``) the run's ``summary.json`` becomes one message in
the report language (:mod:`.message`), rendered for each configured target in its platform's
own format and size limit (:mod:`.targets`) with data-derived text made inert
(:mod:`.inert`), and sent with a timeout and bounded retries (:mod:`.delivery`). The
outcome per target is written back into ``summary.json``; a failed push never changes the
run's exit code. ``playbook notify`` sends (or prints) a past run's message.
"""

from helpers.notify.config import NotifySettings, Target, build_notify, secret_status

__all__ = ["NotifySettings", "Target", "build_notify", "secret_status"]
