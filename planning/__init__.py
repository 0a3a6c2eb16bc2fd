"""WHEN: agenda sources and connectors, aggregated slots, declared availability, CPTS vacations."""
