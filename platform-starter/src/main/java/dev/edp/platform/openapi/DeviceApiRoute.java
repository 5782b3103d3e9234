package dev.edp.platform.openapi;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The reactive route that serves {@link DeviceApi}'s document at {@value DeviceApi#PATH},
 * for E3 (public) and the portal gateway (behind login) alike. Kept apart from
 * {@link DeviceApi} so that servlet services, which read the document in their tests,
 * never load WebFlux types.
 */
public final class DeviceApiRoute {

    private DeviceApiRoute() {
    }

    /**
     * @return {@code GET} {@value DeviceApi#PATH}: the document, revalidated on every use
     */
    public static RouterFunction<ServerResponse> document() {
        byte[] json = DeviceApi.json();
        return RouterFunctions.route()
            .GET(DeviceApi.PATH,
                    request -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noCache())
                        .bodyValue(json))
            .build();
    }

}
