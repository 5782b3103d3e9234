/**
 * Untrusted text and request size at every edge. Whatever a caller sends — path, query
 * and form parameters, header values, every string and member name of a JSON body — must
 * be text PostgreSQL can store (no U+0000, no unpaired surrogate, valid UTF-8), and a
 * request body may be at most {@code edp.web.max-request-size} (default 1 MB). Refusals
 * are 400 {@code INVALID_TEXT} (naming {@code in} and {@code field}), 400
 * {@code PARAMETER_TOO_LONG} and 413 {@code REQUEST_TOO_LARGE} problems, produced before
 * any controller runs, so nothing is written. The servlet services get
 * {@link dev.edp.platform.input.RequestInputFilter}, the reactive gateways
 * {@link dev.edp.platform.input.ReactiveRequestInputFilter}.
 */
package dev.edp.platform.input;
