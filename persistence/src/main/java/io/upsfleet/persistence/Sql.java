package io.upsfleet.persistence;

/**
 * Quoting for the few statements that cannot take bind parameters (CREATE ROLE, CREATE DATABASE).
 * Assumes {@code standard_conforming_strings = on}, PostgreSQL's default since 9.1.
 */
final class Sql {

  private Sql() {}

  static String identifier(String name) {
    rejectNul(name);
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  static String literal(String value) {
    rejectNul(value);
    return '\'' + value.replace("'", "''") + '\'';
  }

  private static void rejectNul(String text) {
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("SQL names and literals cannot contain NUL characters");
    }
  }
}
