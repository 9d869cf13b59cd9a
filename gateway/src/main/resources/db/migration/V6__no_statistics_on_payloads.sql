-- The change's data and its stored answer are only ever written and read back whole, never searched or joined on,
-- so the planner needs no statistics about them; collecting them was most of what ANALYZE of `change` cost (each
-- sampled row's JSON detoasted, compared and sorted): 515 → 220 ms for 100,000 rows of Chinese JSON here.
-- PlannerStatistics analyzes this table every 30 s while changes are being filed (autovacuum may be off).
ALTER TABLE change
    ALTER COLUMN data SET STATISTICS 0,
    ALTER COLUMN response SET STATISTICS 0;
