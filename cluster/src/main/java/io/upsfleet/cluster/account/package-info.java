/**
 * Accounts (customers), their users and support staff, and bearer tokens. Kept in plain PostgreSQL
 * tables rather than entities: they change rarely and are read through indexes. Human passwords use
 * a slow hash, tokens a fast one (they are long random strings).
 */
package io.upsfleet.cluster.account;
