"""Plans as data: the plan file format, its loader and the progress-assessment methods (pure)."""
