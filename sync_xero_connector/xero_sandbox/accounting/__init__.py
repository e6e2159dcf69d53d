"""The accounting API (``/api.xro/2.0``): collections, totals, rules, queries."""
