package dev.edp.platform.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.security.access.prepost.PreAuthorize;

/**
 * {@code @PreAuthorize("hasRole(…)")} with a role constant of {@link EdpRoles} instead of
 * a string literal: {@code @HasRole(EdpRoles.OPERATOR)}. The role hierarchy applies (a
 * customer-admin passes {@code @HasRole(EdpRoles.OPERATOR)}). The starter registers the
 * template defaults that fill in {@code {value}}; without them the expression names no
 * real role and refuses everyone.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@PreAuthorize("hasRole('{value}')")
public @interface HasRole {

    /**
     * @return the role, one of the {@link EdpRoles} constants
     */
    String value();

}
