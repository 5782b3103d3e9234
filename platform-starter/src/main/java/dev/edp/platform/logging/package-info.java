/**
 * Logging helpers: lines of a repeated failure held back per window.
 */
package dev.edp.platform.logging;
