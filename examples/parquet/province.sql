-- Queries over a snapshot written by `yunhe export parquet OUT --data COUNTY1 --data COUNTY2 …`
-- (DuckDB; Spark SQL and Trino read the same files with their Hive-partitioned Parquet readers).
-- OUT stands for the snapshot's folder. tests/test_parquet.py runs both on two SYNTHETIC counties.

-- 1. Every county's indicators by status, the counties most behind first.
SELECT county,
       count(*) FILTER (WHERE status = 'off_track') AS off_track,
       count(*) FILTER (WHERE status = 'at_risk') AS at_risk,
       count(*) FILTER (WHERE status = 'on_track') AS on_track,
       count(*) FILTER (WHERE status = 'achieved') AS achieved,
       count(*) FILTER (WHERE status = 'no_data') AS no_data
FROM read_parquet('OUT/indicators/**/*.parquet', hive_partitioning = true)
GROUP BY county
ORDER BY off_track DESC, at_risk DESC, county;

-- 2. The province's total of each cumulative indicator's latest published figure, and how many
--    counties have one (figures are DECIMAL(38,10): the sum is exact).
SELECT project, indicator, unit, sum(latest_value) AS province_total, count(latest_value) AS counties
FROM read_parquet('OUT/indicators/**/*.parquet', hive_partitioning = true)
WHERE kind = 'cumulative'
GROUP BY project, indicator, unit
ORDER BY project, indicator;
