package dev.edp.test.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the service under test trust {@link TestJwtIssuer}'s tokens (and only those): its
 * issuer is the test issuer and its JWT decoder verifies with the test public key
 * ({@code spring.security.oauth2.resourceserver.jwt.public-key-location}); the service's
 * own token rules (audience, token type, expiry) still apply.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithTestJwtIssuer {

}
