"""Every table, one module each; importing this package registers them all on Base.metadata."""

from agentiq.models.api_token import ApiToken
from agentiq.models.autonomy_bucket import AutonomyBucket
from agentiq.models.base import Base
from agentiq.models.chat_message import ChatMessage
from agentiq.models.customer_profile import CustomerProfile
from agentiq.models.draft import Draft
from agentiq.models.escalation import Escalation
from agentiq.models.interaction import PRIORITY_RANK, Channel, Interaction, Priority, Status
from agentiq.models.interaction_event import InteractionEvent
from agentiq.models.link_candidate import LinkCandidate
from agentiq.models.malformed_item import MalformedItem
from agentiq.models.marketplace_connection import MarketplaceConnection
from agentiq.models.membership import Membership, Role
from agentiq.models.membership_invitation import MembershipInvitation
from agentiq.models.metric_fact import MetricDaily, MetricFact
from agentiq.models.ops_alert import OpsAlert
from agentiq.models.product_card import ProductCard
from agentiq.models.promo_code import PromoCode
from agentiq.models.reply_attempt import ReplyAttempt
from agentiq.models.reply_outbox import OutboxState, ReplyOutbox
from agentiq.models.response_history import ResponseHistory
from agentiq.models.review_cause import AppealStatus, ReviewCause
from agentiq.models.runtime_setting import RuntimeSetting
from agentiq.models.seller import Seller
from agentiq.models.sla_rule import SlaRule
from agentiq.models.sync_run import SyncRun
from agentiq.models.sync_state import SyncState
from agentiq.models.user import User
from agentiq.models.user_session import UserSession

__all__ = [
    "PRIORITY_RANK",
    "ApiToken",
    "AppealStatus",
    "AutonomyBucket",
    "Base",
    "Channel",
    "ChatMessage",
    "CustomerProfile",
    "Draft",
    "Escalation",
    "Interaction",
    "InteractionEvent",
    "LinkCandidate",
    "MalformedItem",
    "MarketplaceConnection",
    "Membership",
    "MembershipInvitation",
    "MetricDaily",
    "MetricFact",
    "OpsAlert",
    "OutboxState",
    "Priority",
    "ProductCard",
    "PromoCode",
    "ReplyAttempt",
    "ReplyOutbox",
    "ResponseHistory",
    "ReviewCause",
    "Role",
    "RuntimeSetting",
    "Seller",
    "SlaRule",
    "Status",
    "SyncRun",
    "SyncState",
    "User",
    "UserSession",
]
