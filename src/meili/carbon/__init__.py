"""Carbon: the city GHG inventory, intensity and dual control, key emitters and marine carbon sinks."""
