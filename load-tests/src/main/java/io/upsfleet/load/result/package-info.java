/**
 * What a run measured, as typed records: the JSON report ({@link ReportDocument}) is these records
 * written by Jackson, with the field names of every report since the first, so the committed
 * reports in {@code load-tests/results} still load.
 */
package io.upsfleet.load.result;
