package dev.edp.platform.input;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code edp.web.*}: the limits every servlet service and the portal gateway apply to what a caller
 * sends (see {@link RequestInputFilter}, {@link ReactiveRequestInputFilter}).
 * @param maxRequestSize the largest request body accepted (default 1 MB); larger ones are refused
 *        with 413 {@code REQUEST_TOO_LARGE}, by {@code Content-Length} before anything is read, or
 *        while reading a body sent without one
 * @param maxParameterLength the longest query parameter value, in characters, a servlet service
 *        accepts (default 2048); longer ones are refused with 400 {@code PARAMETER_TOO_LONG}
 */
@ConfigurationProperties("edp.web")
public record WebInputProperties(DataSize maxRequestSize, Integer maxParameterLength) {

    /** Fills in the defaults. */
    public WebInputProperties {
        maxRequestSize = maxRequestSize == null || maxRequestSize.toBytes() < 1 ? DataSize.ofMegabytes(1)
                : maxRequestSize;
        maxParameterLength = maxParameterLength == null || maxParameterLength < 1 ? 2048 : maxParameterLength;
    }
}
