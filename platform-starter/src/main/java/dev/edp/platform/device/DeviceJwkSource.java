package dev.edp.platform.device;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.RemoteKeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * E3's public keys for the device credential, as a service sees them, kept and fetched
 * again on an unknown key id as {@link RefetchedKeys} describes.
 */
final class DeviceJwkSource implements JWKSource<SecurityContext> {

    private final URI uri;

    private final RefetchedKeys<JWKSet> keys;

    private final KeyDocuments documents = new KeyDocuments();

    DeviceJwkSource(URI uri, Duration minRefetchInterval, Duration maxAge, Clock clock) {
        this.uri = uri;
        this.keys = new RefetchedKeys<>("E3's JWKS from " + uri, this::fetch, minRefetchInterval, maxAge, clock);
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        try {
            JWKSet set = keys.keys(candidate -> !selector.select(candidate).isEmpty());
            return set == null ? List.of() : selector.select(set);
        }
        catch (RefetchedKeys.Unavailable ex) {
            throw new RemoteKeySourceException(ex.getMessage(), ex.getCause());
        }
    }

    /** One at a time (see {@link RefetchedKeys}). */
    private JWKSet fetch() throws IOException, ParseException, InterruptedException {
        byte[] document = documents.get(uri, "Accept", "application/jwk-set+json, application/json");
        return JWKSet.parse(new String(document, StandardCharsets.UTF_8));
    }

}
