/**
 * Accounts and their users: support creates accounts and users of any account; an account admin
 * manages the users of their own account. Roles are the gateway's ({@code ACCOUNT_ADMIN}, {@code
 * ACCOUNT_VIEWER}).
 */
package io.upsfleet.ui.account;
