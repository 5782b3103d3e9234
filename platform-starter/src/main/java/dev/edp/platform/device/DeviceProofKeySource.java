package dev.edp.platform.device;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;

import dev.edp.platform.client.ServiceCallException;
import dev.edp.platform.client.ServiceTokenSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * This service's request keys (K_aud) for E3's request proofs, by key id: fetched from
 * E3's management port ({@code GET <uri>?audience=<this service>}, which needs the
 * platform service token), kept for {@code maxAge}, and fetched again <em>at once</em>
 * when a proof names a key id the cached set lacks (a rotation, an E3 restart).
 * <p>
 * Kept and fetched again on an unknown key id as {@link RefetchedKeys} describes.
 */
final class DeviceProofKeySource {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI uri;

    private final ServiceTokenSource tokens;

    private final RefetchedKeys<Map<String, Mac>> keys;

    private final KeyDocuments documents = new KeyDocuments();

    DeviceProofKeySource(URI keysUri, String audience, ServiceTokenSource tokens, Duration minRefetchInterval,
            Duration maxAge, Clock clock) {
        String separator = keysUri.getRawQuery() == null ? "?" : "&";
        this.uri = URI.create(keysUri + separator + "audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8));
        this.tokens = tokens;
        this.keys = new RefetchedKeys<>("this service's device proof keys from " + uri, this::fetch, minRefetchInterval,
                maxAge, clock);
    }

    /**
     * @param kid the key id a proof names
     * @return the request key's MAC prototype (clone before use)
     * @throws DeviceAssertionException if E3 has no such key for this service (or cannot
     * be asked and it was not known before)
     */
    Mac key(String kid) {
        Map<String, Mac> set;
        try {
            set = keys.keys(candidate -> candidate.containsKey(kid));
        }
        catch (RefetchedKeys.Unavailable ex) {
            throw new DeviceAssertionException("unknown device proof key " + kid + " (" + ex.getMessage() + ")");
        }
        Mac key = set == null ? null : set.get(kid);
        if (key == null) {
            throw new DeviceAssertionException("unknown device proof key " + kid);
        }
        return key;
    }

    /** One at a time (see {@link RefetchedKeys}). */
    private Map<String, Mac> fetch() throws IOException, InterruptedException {
        String token;
        try {
            token = tokens.accessToken();
        }
        catch (ServiceCallException ex) {
            throw new IOException("no service token: " + ex.getMessage(), ex);
        }
        byte[] document = documents.get(uri, "Accept", "application/json", "Authorization", "Bearer " + token);
        try {
            Map<?, ?> body = JSON.readValue(document, Map.class);
            Map<String, Mac> keys = new HashMap<>();
            if (body.get("keys") instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> key && key.get("kid") instanceof String kid
                            && key.get("k") instanceof String material) {
                        byte[] bytes = Base64.getUrlDecoder().decode(material);
                        if (bytes.length >= 32) {
                            keys.put(kid, DeviceProof.prototype(bytes));
                        }
                    }
                }
            }
            if (keys.isEmpty()) {
                throw new IOException("answered no keys");
            }
            return Map.copyOf(keys);
        }
        catch (JacksonException | IllegalArgumentException ex) {
            throw new IOException("answered something that is not a key set: " + ex.getMessage(), ex);
        }
    }

}
