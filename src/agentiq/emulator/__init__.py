"""A faithful offline emulator of the WB Feedbacks, Questions and Buyers Chat APIs.

One FastAPI app serves every WB host under a path prefix (`/feedbacks-api`, `/buyer-chat-api`);
`Emulator` holds the in-memory state, the token issuer, rate limits and fault switches.
"""

from agentiq.emulator.faults import FaultConfig
from agentiq.emulator.state import EmulatedSeller, Emulator

__all__ = ["EmulatedSeller", "Emulator", "FaultConfig"]
