"""Governance: public complaints (信访/举报) with statutory clocks, and the rectification ledger (整改台账)."""
