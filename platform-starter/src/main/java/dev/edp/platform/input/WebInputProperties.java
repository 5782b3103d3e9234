package dev.edp.platform.input;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code edp.web.*}: the limits every servlet service and the portal gateway apply to
 * what a caller sends (see {@link RequestInputFilter},
 * {@link ReactiveRequestInputFilter}).
 *
 * @param maxRequestSize the largest request body accepted (default 1 MB); larger ones are
 * refused with 413 {@code REQUEST_TOO_LARGE}, by {@code Content-Length} before anything
 * is read, or while reading a body sent without one
 * @param maxParameterLength the longest query parameter value, in characters, a servlet
 * service accepts (default 2048); longer ones are refused with 400
 * {@code PARAMETER_TOO_LONG}, by the services and, for requests from outside, already by
 * the gateways and E3
 * @param maxUriLength the longest request target (path and query, as sent) the gateways
 * and E3 accept, in characters (default 8192); longer ones are refused with 414
 * {@code URI_TOO_LONG}. Their HTTP decoder reads request lines up to
 * {@code server.netty.max-initial-line-length} (64 KB by default here) so that this
 * problem, not a bare 414 from Netty, answers all but absurd lines
 */
@ConfigurationProperties("edp.web")
public record WebInputProperties(DataSize maxRequestSize, Integer maxParameterLength, Integer maxUriLength) {

    /** Fills in the defaults. */
    public WebInputProperties {
        maxRequestSize = maxRequestSize == null || maxRequestSize.toBytes() < 1 ? DataSize.ofMegabytes(1)
                : maxRequestSize;
        maxParameterLength = maxParameterLength == null || maxParameterLength < 1 ? 2048 : maxParameterLength;
        maxUriLength = maxUriLength == null || maxUriLength < 1 ? 8192 : maxUriLength;
    }
}
