package io.upsfleet.ui.login;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a route: only these roles may open it (others are sent to the overview). No annotation = any
 * role.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface AllowedRoles {
  SignedInUser.Role[] value();
}
