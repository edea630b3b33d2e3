"""People and organisation: org units as a tree, users with one role and one unit, the permission rules."""
