package io.upsfleet.gateway.http;

/** The password rule of every route that sets one (new users, resets, changes). */
final class Passwords {
  static final String RULE = "is required: 12 to 200 characters";

  private Passwords() {}

  static boolean acceptable(String password) {
    return password != null && password.length() >= 12 && password.length() <= 200;
  }
}
