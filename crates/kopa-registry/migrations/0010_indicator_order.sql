-- The order HQ gives a project's indicators (its logframe order). Indicators written
-- before there was one have none and follow, oldest first.
ALTER TABLE p_indicators ADD COLUMN position INTEGER;
