package dev.edp.platform.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI document of what devices may call at E3, served by E3 (public) and by the
 * portal gateway (behind login, in its Swagger UI) at {@value #PATH}. It is generated
 * from the services' own documents, and their tests fail when it no longer matches them
 * (platform-test's {@code dev.edp.test.openapi.DeviceApiDocument}); see
 * docs/architecture-notes.md.
 */
public final class DeviceApi {

    /** Where E3 and the portal gateway serve the document. */
    public static final String PATH = "/openapi/device-api.json";

    private static final String RESOURCE = "dev/edp/platform/openapi/device-api.json";

    private static final byte[] JSON = read();

    private DeviceApi() {
    }

    /**
     * @return the document (JSON, UTF-8)
     */
    public static byte[] json() {
        return JSON.clone();
    }

    private static byte[] read() {
        try (InputStream in = DeviceApi.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
