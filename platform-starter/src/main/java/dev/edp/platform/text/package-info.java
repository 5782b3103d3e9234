/**
 * The rule for text a caller sends ({@link dev.edp.platform.text.UntrustedText}): it must
 * be text PostgreSQL can store. Enforced at the edge by {@code dev.edp.platform.input};
 * cursors and the container's own error page use the same rule.
 */
package dev.edp.platform.text;
