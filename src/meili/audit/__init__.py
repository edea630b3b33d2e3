"""The audit trail: who changed what business data, when, from what to what, and why."""
