"""Carbon accounting for a city: GHG inventory, CO2 intensity and dual control, marine carbon sinks, synergy.

Pure (Polars, no Django, no I/O beyond the packaged tables). Modules:

* :mod:`~meili.standards.carbon.factors` — versioned factor sets (fuels, grids, standard coal, blue carbon)
* :mod:`~meili.standards.carbon.units` — activity-data units
* :mod:`~meili.standards.carbon.energy` — fuel combustion, electricity and heat, standard coal, inventory rows
* :mod:`~meili.standards.carbon.intensity` — intensity, reduction, annual rate, allowed emissions, path
* :mod:`~meili.standards.carbon.blue` — removable carbon of farmed algae and bivalves (HY/T 0305-2021)
* :mod:`~meili.standards.carbon.synergy` — co-control elasticity and coupling coordination
* :mod:`~meili.standards.carbon.gep` — the carbon-related GEP items
"""
