"""Rules of pay as pure functions over plain facts and barème rows (no database access).

One module per rule of DOMAIN.md §7, each citing its section: ``periods`` (bordereau periods,
Paris time), ``indicator8`` (§7.1), ``indicator9`` (§7.2) and ``indicator9_gaps`` (why an act is not counted), ``snp_mrt`` (§7.3, §7.4),
``regulators`` (§7.5), ``aci`` (§7.6), ``cpts_indicators`` (§5), ``protocols`` (§7.7).
"""
