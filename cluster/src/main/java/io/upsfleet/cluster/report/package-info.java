/**
 * The MyInventory and MyRenewals reports (DOMAIN.md §8): one row per device read with a database
 * cursor from the read models, the battery replace-by rule, and the CSV (Commons CSV) and XLSX
 * (FastExcel) writers that stream the rows to an output stream with bounded memory. No HTTP here:
 * the gateway's routes hand these an output stream.
 */
package io.upsfleet.cluster.report;
