/**
 * Test support shared with other modules through this module's test-jar: {@link
 * io.upsfleet.persistence.testing.TestDatabases} hands every test its own fresh PostgreSQL
 * database. Depend on {@code upsfleet-persistence} with {@code <type>test-jar</type>} and {@code
 * <scope>test</scope>} to use it.
 */
package io.upsfleet.persistence.testing;
