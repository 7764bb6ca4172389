"""Links a test account on the running switchboard and fake Microsoft (as e2e/clients does) and
prints its account token, for the generated-request run."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "clients"))
from journeys import link_account  # noqa: E402

app, token = link_account()
print(token)
