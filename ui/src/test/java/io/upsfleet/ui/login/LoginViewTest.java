package io.upsfleet.ui.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginViewTest {
  @Test
  void followsOnlyLocalPathsAfterSignIn() {
    assertThat(LoginView.isLocal("devices?status=ON_BATTERY&q=AS10")).isTrue();
    assertThat(LoginView.isLocal("devices/AS1036000001")).isTrue();
    assertThat(LoginView.isLocal("")).isTrue();
    assertThat(LoginView.isLocal("//evil.example.com")).isFalse();
    assertThat(LoginView.isLocal("https://evil.example.com")).isFalse();
    assertThat(LoginView.isLocal("/absolute")).isFalse();
    assertThat(LoginView.isLocal("login")).isFalse();
  }
}
