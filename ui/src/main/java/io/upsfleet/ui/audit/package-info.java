/**
 * The audit trail page: who did what, when, from where, with what outcome (support: every account;
 * an account admin: their own).
 */
package io.upsfleet.ui.audit;
