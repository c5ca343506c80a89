"""Faults in the world outside the agents, bound from features/faults.feature.

The Sent folder is the send witness: like Gmail, the world's fake mail server files every
message accepted over SMTP in the sender's Sent (``--auto-sent``), which Local's configuration
(``sent_copy: server``) relies on.
"""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios("faults.feature")
